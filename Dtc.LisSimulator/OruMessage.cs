using System.Globalization;
using System.Text;

namespace Dtc.LisSimulator;

/// <summary>A registered kit with what the lab knows of its patient (from the requisition).</summary>
public sealed record SimKit(
    Guid KitId, string Barcode, string PatientNumber, string GivenName, string FamilyName, DateOnly? BirthDate,
    string? PanelCode, DateTimeOffset? CollectedAt);

/// <summary>What the lab found for one kit: drawn once, so that its preliminary, final and corrected versions agree.</summary>
public sealed record KitResult(SimKit Kit, Panel Panel, IReadOnlyList<(Analyte Analyte, decimal Value, bool Detected)> Values, string? RejectReason)
{
    static readonly string[] rejections = ["RH^Hemolysis^HL70490", "QS^Quantity not sufficient^HL70490", "RC^Clotting^HL70490", "RB^Broken container^HL70490"];

    public string Accession => "SIM-" + Kit.Barcode;

    public static KitResult Draw(SimKit kit, Random random, bool rejected)
    {
        var panel = Panels.For(kit.PanelCode);
        var values = panel.Analytes.Select(a => a.Qualitative
            ? (a, 0m, random.NextDouble() < a.Mean)
            : (a, a.Draw(random), false)).ToList();
        return new KitResult(kit, panel, values, rejected ? rejections[random.Next(rejections.Length)] : null);
    }

    /// <summary>The correction the lab issues: the first value re-measured a little lower.</summary>
    public KitResult Corrected() => this with
    {
        Values = [.. Values.Select((v, i) => i == 0 && !v.Analyte.Qualitative ? (v.Analyte, Math.Round(v.Value * 0.92m, v.Analyte.Decimals), false) : v)],
    };
}

/// <summary>HL7 v2.5.1 ORU^R01 as the lab's LIS writes it: UTF-8, CR after every segment, fields escaped.</summary>
public static class OruMessage
{
    const string Lab = "ACME Reference Laboratory|100 Lab Way^^Austin^TX^78701|Dr. Grace Lee";

    /// <param name="status">OBR-25: P, F, C or X.</param>
    public static byte[] Build(KitResult result, string status, string controlId, DateTimeOffset issuedAt)
    {
        var kit = result.Kit;
        var now = Ts(issuedAt);
        var collected = Ts(kit.CollectedAt ?? issuedAt.AddDays(-2));
        var text = new StringBuilder(1024)
            .Append($"MSH|^~\\&|LISSIM|ACMELAB^05D1234567^CLIA|DTC|DTC|{now}||ORU^R01^ORU_R01|{controlId}|P|2.5.1|||AL|NE||UNICODE UTF-8\r")
            .Append($"PID|1||{Escape(kit.PatientNumber)}^^^DTC^PI||{Escape(kit.FamilyName)}^{Escape(kit.GivenName)}||{kit.BirthDate:yyyyMMdd}\r")
            .Append($"ORC|RE|{kit.Barcode}|{result.Accession}\r")
            .Append($"OBR|1|{kit.Barcode}|{result.Accession}|{result.Panel.Code}^{Escape(result.Panel.Display)}^LN|||{collected}|||||||||||||||{now}|||{status}\r");
        if (status == "C") text.Append("NTE|1|L|Corrected result: re-analysed after instrument recalibration.\r");
        if (status != "X")
        {
            var obxStatus = status == "C" ? "C" : status;
            var i = 0;
            foreach (var (analyte, value, detected) in result.Values)
            {
                var code = $"{analyte.Code}^{Escape(analyte.Display)}^LN";
                text.Append(analyte.Qualitative
                    ? $"OBX|{++i}|CWE|{code}||{(detected ? "260373001^Detected" : "260415000^Not detected")}^SCT||{analyte.Range}|{(detected ? "DET" : "ND")}|||{obxStatus}|||{now}|||||||||{Lab}\r"
                    : $"OBX|{++i}|NM|{code}||{value.ToString(CultureInfo.InvariantCulture)}|{analyte.Unit}|{analyte.Range}|{analyte.Flag(value)}|||{obxStatus}|||{now}|||||||||{Lab}\r");
            }
        }
        text.Append($"SPM|1|{kit.Barcode}||BLD^Whole blood^HL70487|||||||||||||{collected}||||{result.RejectReason}\r");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    static string Ts(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmmss.ffff", CultureInfo.InvariantCulture) + "+0000";

    /// <summary>The HL7 escapes for the delimiters a name or display may hold.</summary>
    public static string Escape(string text) => text
        .Replace("\\", "\\E\\", StringComparison.Ordinal).Replace("|", "\\F\\", StringComparison.Ordinal)
        .Replace("^", "\\S\\", StringComparison.Ordinal).Replace("&", "\\T\\", StringComparison.Ordinal)
        .Replace("~", "\\R\\", StringComparison.Ordinal).Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
