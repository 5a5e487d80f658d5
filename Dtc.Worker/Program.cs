using Dtc.Data;
using Dtc.Messaging;

// wrk-default: consumes jobs from the wrk.default queue.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDtcDatabase();
builder.AddDtcMessaging();
builder.AddDtcConsumer(Topology.Queues.WorkerDefault);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
