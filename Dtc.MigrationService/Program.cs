using Dtc.Data;
using Dtc.MigrationService;

// One-shot: applies the committed EF Core migrations, then exits. Every other service waits for it
// (WaitForCompletion in the AppHost, a Job in Kubernetes); no replica migrates at its own start-up.
var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddDtcDatabase();
builder.Services.AddHostedService<Migrator>();
await builder.Build().RunAsync();
