using Dtc.Consumers;
using Dtc.Data;
using Dtc.Messaging;

// One project, started with a role: each role consumes its own queue (DESIGN.md §1).
var builder = WebApplication.CreateBuilder(args);
var role = ConsumerRoles.Parse(builder.Configuration["role"]);
builder.AddServiceDefaults();
builder.AddDtcDatabase();
builder.AddDtcMessaging();
builder.AddConsumerRole(role);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
