using System.Globalization;

namespace Dtc.LisSimulator;

/// <summary>The command line: <c>Dtc.LisSimulator [--rate N/s] [--count N] [--once] [--seed-kits N] [--follow-up 15s] [--random-seed N]</c>.</summary>
public sealed record SimulatorOptions
{
    public const string Usage = """
        Dtc.LisSimulator: publishes ORU^R01 results, as the lab's LIS would, for kits in status registered.
          --rate N[/s]      messages per second (default 1; 0 or max: as fast as confirms allow)
          --count N         stop after N messages
          --once            one pass over the kits registered now (with their follow-ups), then exit
          --seed-kits N     first create N patients with a registered kit each, then send results for those (then exit)
          --follow-up T     wait between a kit's preliminary, final and corrected versions (default 15s; e.g. 0, 500ms, 2m)
          --random-seed N   repeatable scenarios and values
        Connection strings: ConnectionStrings__dtc and ConnectionStrings__rabbitmq (the AppHost sets both).
        """;

    /// <summary>Messages per second; null is unthrottled.</summary>
    public double? Rate { get; init; } = 1;
    public int? Count { get; init; }
    public bool Once { get; init; }
    public int SeedKits { get; init; }
    public TimeSpan FollowUp { get; init; } = TimeSpan.FromSeconds(15);
    public int? RandomSeed { get; init; }

    /// <summary>Kits registered now, or seeded: work through them and stop.</summary>
    public bool Finite => Once || SeedKits > 0;

    public static SimulatorOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SimulatorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--rate" => options with { Rate = ParseRate(Value()) },
                "--count" => options with { Count = Positive(Value(), "--count") },
                "--once" => options with { Once = true },
                "--seed-kits" => options with { SeedKits = Positive(Value(), "--seed-kits") },
                "--follow-up" => options with { FollowUp = ParseDuration(Value()) },
                "--random-seed" => options with { RandomSeed = int.Parse(Value(), CultureInfo.InvariantCulture) },
                _ => throw new FormatException($"Unknown option '{args[i]}'."),
            };
        }
        return options;
    }

    static double? ParseRate(string text)
    {
        var number = text.EndsWith("/s", StringComparison.Ordinal) ? text[..^2] : text;
        if (number is "max" or "0") return null;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0
            ? rate : throw new FormatException($"--rate wants a positive number of messages per second (got '{text}').");
    }

    static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : throw new FormatException($"{name} wants a positive whole number (got '{text}').");

    static TimeSpan ParseDuration(string text)
    {
        (string number, double scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1),
            _ when text.EndsWith('m') => (text[..^1], 60),
            _ => (text, 1),
        };
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? TimeSpan.FromSeconds(value * scale) : throw new FormatException($"--follow-up wants a duration such as 15s, 500ms or 2m (got '{text}').");
    }
}
