using Dtc.Data;
using Dtc.Data.Kits;
using Dtc.Lis;
using Dtc.Messaging.Consuming;

namespace Dtc.Consumers.Lis;

/// <summary>
/// The reads of a batch's LIS messages in one round trip, ahead of their handlers (<see cref="IBatchReader"/>,
/// one per transaction): every kit of the batch locked by one statement, in id order, and their reports read,
/// with the versions the batch's messages may already have. Each handler then takes its kits from here instead of
/// a round trip of its own, unless a handler of the batch has already had one of them (it may have written the
/// kit's rows since): that handler reads for itself, after the batch's held rows, as without a batch read. The
/// messages are parsed here once for their handlers. With the kits locked at once, in id order, two batches never
/// wait on each other's locks in turn (each used to lock its messages' kits one message at a time).
/// </summary>
public sealed class LisBatchRead(DtcDbContext db, DeferredStatements deferred, ReportBatch held) : IBatchReader
{
    readonly Dictionary<Guid, LabMessage> _parsed = [];
    /// <summary>The barcodes read for: a kit is in <see cref="_kits"/> if it exists, absent if not.</summary>
    readonly HashSet<string> _read = new(StringComparer.Ordinal);
    /// <summary>The barcodes a handler of the batch has taken: what was read of them may have changed.</summary>
    readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    Dictionary<string, KitOwner> _kits = [];
    List<ReportRow> _reports = [];

    public async Task ReadAsync(IReadOnlyList<MessageContext> messages, CancellationToken ct)
    {
        var barcodes = new HashSet<string>(StringComparer.Ordinal);
        var accessions = new HashSet<string>(StringComparer.Ordinal);
        var sources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var context in messages)
        {
            var parsed = LisParser.Parse(context.Body.Span, context.ContentType);
            // What cannot be parsed is its handler's to park.
            if (!parsed.IsSuccess) continue;
            _parsed[context.MessageId] = parsed.Message;
            sources.Add(parsed.Message.SourceMessageId);
            foreach (var report in parsed.Message.Reports)
            {
                barcodes.Add(KitBarcode.Normalize(report.KitBarcode));
                accessions.Add(report.Accession);
            }
        }
        if (barcodes.Count == 0) return;
        (_kits, _reports) = await LisRows.LockAsync(db, deferred, held, [.. barcodes], [.. accessions], [.. sources], ct);
        _read.UnionWith(barcodes);
    }

    /// <summary>The message as parsed for the batch, if it was.</summary>
    public LabMessage? Parsed(Guid messageId) => _parsed.GetValueOrDefault(messageId);

    /// <summary>
    /// The kits with these barcodes and their reports as read for the batch, or null when the handler must read for
    /// itself: a kit not read for the batch, or one a handler of the batch has already taken. Either way the kits
    /// count as taken from now on.
    /// </summary>
    public (Dictionary<string, KitOwner> Kits, List<ReportRow> Reports)? Take(string[] barcodes)
    {
        var served = barcodes.All(b => _read.Contains(b) && !_taken.Contains(b));
        _taken.UnionWith(barcodes);
        if (!served) return null;
        var kits = new Dictionary<string, KitOwner>(barcodes.Length, StringComparer.Ordinal);
        foreach (var barcode in barcodes)
        {
            if (_kits.TryGetValue(barcode, out var kit)) kits[barcode] = kit;
        }
        return (kits, _reports.FindAll(r => kits.Values.Any(k => k.KitId == r.KitId)));
    }
}
