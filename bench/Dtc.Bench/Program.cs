using Dtc.Bench;

// dotnet Dtc.Bench.dll <mode> [--key value ...]; settings come from the environment as well
// (ConnectionStrings__dtc, ConnectionStrings__rabbitmq). Every mode prints one JSON line of figures.
var options = BenchOptions.Parse(args);
return options.Mode switch
{
    "baseline-server" => await BaselineServer.RunAsync(options),
    "seed" => await Seeder.RunAsync(options),
    "ingest-baseline" => await IngestBench.BaselineAsync(options),
    "ingest" => await IngestBench.IngestAsync(options),
    "e2e" => await EndToEndBench.RunAsync(options),
    "faults" => await Dtc.Bench.Faults.FaultCommand.RunAsync(options),
    "api-faults" => await Dtc.Bench.Faults.ApiFaultCommand.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Dtc.Bench baseline-server|seed|ingest-baseline|ingest|e2e|faults|api-faults [--key value ...]");
    return 2;
}
