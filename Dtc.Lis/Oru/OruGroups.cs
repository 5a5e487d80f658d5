using System.Diagnostics.CodeAnalysis;
using Dtc.Lis.Hl7;

namespace Dtc.Lis.Oru;

/// <summary>An OBR with what belongs to it: its ORC, notes, OBX (each with notes) and SPM segments.</summary>
internal sealed record OrderGroup(Hl7Segment Obr, Hl7Segment? Orc)
{
    public List<Hl7Segment> Notes { get; } = [];
    public List<ObservationGroup> Observations { get; } = [];
    public List<Hl7Segment> Specimens { get; } = [];
}

internal sealed record ObservationGroup(Hl7Segment Obx)
{
    public List<Hl7Segment> Notes { get; } = [];
}

/// <summary>Walks the ORU^R01 segment grammar (PID, {[ORC] OBR [NTE] {OBX [NTE]} {SPM [OBX]}}).</summary>
internal static class OruGroups
{
    public static bool TryGroup(
        Hl7Message message, out Hl7Segment? pid, [NotNullWhen(true)] out List<OrderGroup>? groups, [NotNullWhen(false)] out LisParseError? error)
    {
        pid = null;
        groups = null;
        var found = new List<OrderGroup>();
        Hl7Segment? orc = null;
        OrderGroup? order = null;
        ObservationGroup? observation = null;
        var inSpecimen = false;

        foreach (var segment in message.Segments.Skip(1))
        {
            switch (segment.Name)
            {
                case "PID" when pid is not null && pid[3].Raw != segment[3].Raw:
                    error = new(LisErrorCodes.MultiplePatients, $"{segment.Where(3)} names a second patient: one patient per message");
                    return false;
                case "PID":
                    pid ??= segment;
                    (order, observation) = (null, null);
                    break;
                case "ORC":
                    // An ORC opens the next order group: nothing after it belongs to the previous OBR.
                    (orc, order, observation) = (segment, null, null);
                    break;
                case "OBR":
                    order = new OrderGroup(segment, orc);
                    found.Add(order);
                    (orc, observation, inSpecimen) = (null, null, false);
                    break;
                case "OBX" or "SPM" when order is null:
                    error = new(LisErrorCodes.NoObr, $"{segment.Name} (segment {segment.Position}) comes before any OBR");
                    return false;
                case "OBX" when inSpecimen:
                    // OBX after SPM describe the specimen (volume, temperature), not a result.
                    break;
                case "OBX":
                    observation = new ObservationGroup(segment);
                    order!.Observations.Add(observation);
                    break;
                case "SPM":
                    order!.Specimens.Add(segment);
                    (observation, inSpecimen) = (null, true);
                    break;
                case "NTE" when observation is not null:
                    observation.Notes.Add(segment);
                    break;
                case "NTE" when order is not null && !inSpecimen:
                    order.Notes.Add(segment);
                    break;
            }
        }

        if (found.Count == 0)
        {
            error = new(LisErrorCodes.NoObr, "the message has no OBR segment: there is no report in it");
            return false;
        }

        (groups, error) = (found, null);
        return true;
    }
}
