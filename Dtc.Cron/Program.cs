using Dtc.Data;
using Dtc.Messaging;

// cron: the per-minute scheduled tasks (DESIGN.md §5).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDtcDatabase();
builder.AddDtcMessaging();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
