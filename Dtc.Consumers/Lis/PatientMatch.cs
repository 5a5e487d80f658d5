using System.Collections.Frozen;
using System.Text;
using Dtc.Data.Kits;
using Dtc.Lis;

namespace Dtc.Consumers.Lis;

/// <summary>A kit as the matching needs it, with the patient it is registered to (null fields when it is not).</summary>
public sealed record KitOwner(
    Guid KitId, string Barcode, string Status, Guid? CustomerId, uint RowVersion, DateTimeOffset? ReceivedAt,
    string? PatientNumber, string? FamilyName, DateOnly? DateOfBirth);

/// <summary>Why a message is quarantined. The reason names fields, never their values: it is logged.</summary>
public sealed record Mismatch(string Code, string Reason);

/// <summary>
/// Whether a result may be attached to the patient its kit is registered to. The kit picks the patient;
/// the message's identity must agree with them, or the message attaches to no one.
/// </summary>
public static class PatientMatch
{
    public const string UnknownKit = "unknown-kit";
    public const string KitNotRegistered = "kit-not-registered";
    public const string PatientMismatch = "patient-mismatch";

    /// <summary>Kit statuses in which the kit has a patient whose sample the lab may hold.</summary>
    static readonly string[] withPatient = [KitStatus.Registered, KitStatus.Received, KitStatus.Resulted, KitStatus.Rejected];

    /// <summary>Authorities under which PID-3 / Patient.identifier carries our patient number.</summary>
    static readonly string[] ourAuthorities = ["DTC", "urn:dtc:patient", "urn:dtc:patient-number"];

    public static Mismatch? Check(LabPatient patient, KitOwner? kit)
    {
        if (kit is null) return new(UnknownKit, "no kit has the barcode of the report");
        if (kit.CustomerId is null || !withPatient.Contains(kit.Status))
            return new(KitNotRegistered, $"the kit is {kit.Status}, not registered to a patient");

        var ours = patient.Identifiers.Where(i => ourAuthorities.Contains(i.Authority, StringComparer.OrdinalIgnoreCase)).ToList();
        if (ours.Count > 0 && !ours.Any(i => string.Equals(i.Value, kit.PatientNumber, StringComparison.OrdinalIgnoreCase)))
            return new(PatientMismatch, "the patient number in the message is not the kit's patient's");
        if (patient.BirthDate is null || kit.DateOfBirth is null)
            return new(PatientMismatch, "the birth date is missing from the message or the patient's profile: the identity cannot be checked");
        if (patient.BirthDate != kit.DateOfBirth)
            return new(PatientMismatch, "the birth date in the message is not the kit's patient's");
        var family = NameKey(patient.FamilyName);
        if (family.Length == 0 || family != NameKey(kit.FamilyName))
            return new(PatientMismatch, "the family name in the message is not the kit's patient's");
        return null;
    }

    /// <summary>"O’Neil", "o'neil" and "ONEIL" are one name; so are "Müller" and "Muller": letters and digits, no marks, one case.</summary>
    public static string NameKey(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "";
        var key = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (folded.TryGetValue(c, out var plain)) key.Append(plain);
            else if (char.IsLetterOrDigit(c)) key.Append(char.ToUpperInvariant(c));
            // Combining marks (a name sent decomposed), apostrophes, hyphens and spaces are dropped.
        }
        return key.ToString();
    }

    // Latin letters with diacritics (U+00C0–U+024F) and their base letter. Written out because the services
    // run with invariant globalization, where string.Normalize does not decompose.
    const string accented = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ";
    const string plainLetters = "AAAAAACEEEEIIIINOOOOOUUUUYAAAAAACEEEEIIIINOOOOOUUUUYYAAAAAACCCCCCCCDDEEEEEEEEEEGGGGGGGGHHIIIIIIIIIJJKKLLLLLLNNNNNNOOOOOORRRRRRSSSSSSSSTTTTUUUUUUUUUUUUWWYYYZZZZZZOOUUAAIIOOUUUUUUUUUUAAAAGGKKOOOOJGGNNAAAAAAEEEEIIIIOOOORRRRUUUUSSTTHHAAEEOOOOOOOOYY";

    static readonly FrozenDictionary<char, string> folded = accented.Zip(plainLetters, (a, p) => (a, p: p.ToString()))
        .Concat([('Æ', "AE"), ('æ', "AE"), ('Œ', "OE"), ('œ', "OE"), ('ß', "SS"), ('Ø', "O"), ('ø', "O"), ('Đ', "D"), ('đ', "D"),
            ('Ð', "D"), ('ð', "D"), ('Ł', "L"), ('ł', "L"), ('Þ', "TH"), ('þ', "TH"), ('ı', "I"), ('Ħ', "H"), ('ħ', "H")])
        .ToFrozenDictionary(e => e.Item1, e => e.Item2);
}
