using Dtc.Api.Accounts;
using Dtc.Data;
using Dtc.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDtcDatabase();
builder.AddDtcMessaging();
builder.Services.AddProblemDetails();
builder.AddAccounts();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapAccountsApi();
app.MapDefaultEndpoints();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
