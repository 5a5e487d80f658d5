using Dtc.Data;
using Dtc.Messaging;
using Dtc.Worker;

// wrk-default: consumes jobs from the wrk.default queue (email, SMS, fulfilment sync).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDtcDatabase();
builder.AddDtcMessaging();
builder.AddWorkerJobs();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
