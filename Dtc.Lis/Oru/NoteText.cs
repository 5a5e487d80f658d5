using Dtc.Lis.Hl7;

namespace Dtc.Lis.Oru;

internal static class NoteText
{
    /// <summary>NTE-3 (FT): its repetitions are lines of one comment.</summary>
    public static IReadOnlyList<string> Of(IEnumerable<Hl7Segment> notes) =>
    [
        .. notes
            .Select(nte => string.Join("\n", nte[3].Repetitions.Select(r => r.Text)).Trim())
            .Where(text => text.Length > 0),
    ];
}
