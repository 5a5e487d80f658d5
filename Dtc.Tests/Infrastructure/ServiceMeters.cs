using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Dtc.Tests.Infrastructure;

/// <summary>Measurements of one service instance's meters (other tests' hosts run in the same process).</summary>
public static class ServiceMeters
{
    /// <summary>
    /// Listens to the instruments of meter <paramref name="meterName"/> that <paramref name="services"/>' own
    /// <see cref="IMeterFactory"/> created; every measurement (int, long or double) as a double, with its tags.
    /// </summary>
    public static MeterListener Listen(IServiceProvider services, string meterName, Action<string, double, KeyValuePair<string, object?>[]> measured)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Meter.Name == meterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((i, value, tags, _) => measured(i.Name, value, tags.ToArray()));
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) => measured(i.Name, value, tags.ToArray()));
        listener.SetMeasurementEventCallback<int>((i, value, tags, _) => measured(i.Name, value, tags.ToArray()));
        listener.Start();
        return listener;
    }
}
