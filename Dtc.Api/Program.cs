using Dtc.Api;
using Dtc.Api.Accounts;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDtcDatabase();
builder.AddDtcMessaging();
builder.AddApiConventions();
builder.AddAccounts();

var app = builder.Build();
app.UseApiConventions();
app.MapPatientApi();
app.MapDefaultEndpoints();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
