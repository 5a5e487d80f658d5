using System.Globalization;

namespace Dtc.Bench;

public sealed class BenchOptions
{
    public required string Mode { get; init; }
    readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions { Mode = args.Length > 0 ? args[0] : "" };
        for (var i = 1; i + 1 < args.Length; i += 2) options._values[args[i].TrimStart('-')] = args[i + 1];
        return options;
    }

    public string Get(string key, string? fallback = null) =>
        _values.TryGetValue(key, out var value) ? value
        : fallback ?? throw new ArgumentException($"--{key} is required for {Mode}");

    public int Int(string key, int fallback) => _values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public static string Env(string name) =>
        Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set");

    public static string Database => Env("ConnectionStrings__dtc");
    public static string Broker => Env("ConnectionStrings__rabbitmq");
}
