using Dtc.Lis.Hl7;

namespace Dtc.Lis.Oru;

/// <summary>Maps a parsed ORU^R01 to a <see cref="LabMessage"/>.</summary>
public static class OruR01Mapper
{
    /// <summary>
    /// v2.5.1 is what the LIS contract names. 2.5 and 2.3/2.3.1/2.4 lay out every field we read the
    /// same way (in 2.3 MSH-9 has no third component, which we do not read), so they are accepted too.
    /// </summary>
    public static IReadOnlyList<string> SupportedVersions { get; } = ["2.5.1", "2.5", "2.4", "2.3.1", "2.3"];

    public static LisParseResult Map(Hl7Message message)
    {
        var msh = message.Header;
        if (CheckHeader(msh) is { } headerError)
            return headerError;

        var controlId = Hl7Format.NullIfEmpty(msh[10].Value);
        if (controlId is null)
            return new LisParseError(LisErrorCodes.MissingField, $"{msh.Where(10)} (message control id) is empty");

        if (!Hl7Format.TryTime(msh[7].Value, msh.Where(7), out var messageTime, out var error))
            return error;
        if (messageTime is null)
            return new LisParseError(LisErrorCodes.MissingField, $"{msh.Where(7)} (message time) is empty");

        if (!OruGroups.TryGroup(message, out var pid, out var groups, out error))
            return error;
        if (!PatientMapper.TryMap(pid, out var patient, out error))
            return error;

        var reports = new List<LabReportMessage>(groups.Count);
        foreach (var group in groups)
        {
            if (!ReportMapper.TryMap(group, messageTime.Value, out var report, out error))
                return error;
            reports.Add(report);
        }

        var sender = msh[4].First;
        return new LabMessage
        {
            Format = LabMessageFormats.Hl7v2,
            SourceMessageId = controlId,
            MessageTime = messageTime.Value,
            SendingLab = string.IsNullOrWhiteSpace(sender.Value)
                ? null
                : new SendingLab(sender.Value.Trim(), Hl7Format.NullIfEmpty(sender.Component(2).Value), Hl7Format.NullIfEmpty(sender.Component(3).Value)),
            Patient = patient,
            Reports = reports,
        };
    }

    private static LisParseError? CheckHeader(Hl7Segment msh)
    {
        var type = msh[9].First;
        if (type.Component(1).Value != "ORU" || type.Component(2).Value != "R01")
        {
            var what = type.Raw.Length == 0 ? " is empty" : $"{Hl7Format.Code(type.Component(1).Value)}{Hl7Format.Code(type.Component(2).Value)} is not ORU^R01";
            return new(LisErrorCodes.NotOruR01, $"{msh.Where(9)} (message type){what}");
        }

        var version = msh[12].Value.Trim();
        if (version.Length == 0)
            return new(LisErrorCodes.MissingField, $"{msh.Where(12)} (version id) is empty");
        if (!SupportedVersions.Contains(version))
            return new(LisErrorCodes.UnsupportedVersion, $"{msh.Where(12)}{Hl7Format.Code(version)} is not a supported version ({string.Join(", ", SupportedVersions)})");
        return null;
    }
}
