using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Dtc.Tests.Consumers;

/// <summary>
/// Sums the counters of given hosts only (by their meter factory), so tests running side by side in one
/// process do not see each other's measurements.
/// </summary>
public sealed class MetricProbe : IDisposable
{
    readonly MeterListener _listener = new();
    readonly ConcurrentDictionary<string, long> _sums = new();

    public static MetricProbe Start(IEnumerable<IServiceProvider> hosts)
    {
        var probe = new MetricProbe();
        var factories = hosts.Select(h => (object)h.GetRequiredService<IMeterFactory>()).ToHashSet();
        probe._listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope is { } scope && factories.Contains(scope)) listener.EnableMeasurementEvents(instrument);
        };
        probe._listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            probe._sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
            foreach (var tag in tags) probe._sums.AddOrUpdate($"{instrument.Name}|{tag.Key}={tag.Value}", value, (_, sum) => sum + value);
            if (tags.Length > 1)
            {
                var all = string.Join(",", tags.ToArray().OrderBy(t => t.Key).Select(t => $"{t.Key}={t.Value}"));
                probe._sums.AddOrUpdate($"{instrument.Name}|{all}", value, (_, sum) => sum + value);
            }
        });
        probe._listener.Start();
        return probe;
    }

    /// <summary>The sum of a counter, optionally for one tag (<c>"reason=gift"</c>) or all its tags in key order (<c>"outcome=accepted,reason=gift"</c>).</summary>
    public long Sum(string instrument, string? tags = null) => _sums.GetValueOrDefault(tags is null ? instrument : $"{instrument}|{tags}");

    public Task<long> UntilAsync(string instrument, string? tags, long atLeast) =>
        Infrastructure.Eventually.Until(() => Task.FromResult(Sum(instrument, tags)), sum => sum >= atLeast, $"{instrument} {tags} ≥ {atLeast}");

    public void Dispose() => _listener.Dispose();
}
