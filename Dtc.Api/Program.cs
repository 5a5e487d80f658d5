using Dtc.Api;
using Dtc.Api.Accounts;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDtcDatabase(ApiDatabase.Tune(builder.Configuration));
builder.AddDtcMessaging();
builder.AddApiConventions();
builder.AddAccounts();

var app = builder.Build();
app.UseApiConventions();
app.MapPatientApi();
app.MapDefaultEndpoints();
app.Run();

namespace Dtc.Api
{
    /// <summary>Names this assembly for WebApplicationFactory (a global <c>Program</c> is ambiguous next to the AppHost's).</summary>
    public sealed class ApiEntryPoint;
}
