using Dtc.Data;
using Dtc.LisSimulator;
using Dtc.Messaging;

// Plays the lab's LIS against a running Dtc: see SimulatorOptions.Usage (or --help).
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(SimulatorOptions.Usage);
    return 0;
}
SimulatorOptions options;
try { options = SimulatorOptions.Parse(args); }
catch (FormatException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(SimulatorOptions.Usage);
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.AddServiceDefaults();
builder.AddDtcDatabase();
builder.AddDtcMessaging(runRelay: false);
builder.AddLisSimulator(options);
await builder.Build().RunAsync();
return Environment.ExitCode;
