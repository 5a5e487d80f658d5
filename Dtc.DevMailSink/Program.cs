using Dtc.DevMailSink;

// Development only (the AppHost adds it in local runs, never when publishing): F5 keeps every email.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddOptions<MailSinkOptions>().BindConfiguration("MailSink");
builder.Services.AddHostedService<MailSink>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapMailbox();
app.Run();
