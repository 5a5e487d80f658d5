using System.Globalization;
using System.Text;

namespace Dtc.Bench;

/// <summary>An ORU^R01 final A1c-panel result with five observations, as the LIS would send it (segments end with CR).</summary>
public static class Hl7Builder
{
    public static byte[] Final(Seeder.Patient patient, string barcode, DateTimeOffset issued, string controlPrefix)
    {
        var ts = issued.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var control = controlPrefix + Guid.NewGuid().ToString("N")[..20];
        var sb = new StringBuilder();
        sb.Append($"MSH|^~\\&|LIS|BENCHLAB^05D0000000^CLIA|DTC|DTC|{ts}||ORU^R01^ORU_R01|{control}|P|2.5.1|||AL|NE\r");
        sb.Append($"PID|1||{patient.PatientNumber}^^^DTC^PI||{patient.FamilyName}^{patient.GivenName}||{patient.BirthDate:yyyyMMdd}|U\r");
        sb.Append($"OBR|1|{barcode}|ACC-{barcode}|4548-4^Hemoglobin A1c/Hemoglobin.total in Blood^LN|||{ts}|||||||||||||||{ts}|||F\r");
        string[] codes = ["4548-4", "17856-6", "2345-7", "2093-3", "2571-8"];
        for (var i = 0; i < codes.Length; i++)
        {
            sb.Append($"OBX|{i + 1}|NM|{codes[i]}^Analyte {i}^LN||{5.1 + i * 0.3:0.0}|%|4.0-5.6|{(i == 0 ? "N" : "H")}|||F|||{ts}\r");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
