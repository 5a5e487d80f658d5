namespace Dtc.AppHost;

/// <summary>
/// Local runs only: the <c>mail-sink</c> resource, an SMTP server that writes every email the worker
/// sends to <c>.data/mail/*.eml</c> and lists them on its page in the dashboard. Never published:
/// production sends through the real relay configured for wrk-default.
/// </summary>
public static class DevMailSink
{
    public const string Name = "mail-sink";

    public static IResourceBuilder<ProjectResource> WithDevMailSink(this IResourceBuilder<ProjectResource> worker, IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode) return worker;
        var folder = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".data", "mail"));
        var sink = builder.AddProject<Projects.Dtc_DevMailSink>(Name)
            .WithEndpoint(name: "smtp", scheme: "tcp", env: "MailSink__SmtpPort")
            .WithEnvironment("MailSink__Folder", folder)
            .WithHttpHealthCheck("/health");
        if (builder.Configuration["DisableTelemetry"] == "true") sink.WithEnvironment("OTEL_SDK_DISABLED", "true");
        return worker
            .WithEnvironment("Email__Host", "127.0.0.1")
            .WithEnvironment("Email__Port", sink.GetEndpoint("smtp").Property(EndpointProperty.Port))
            .WithEnvironment("Email__Security", "None")
            .WaitFor(sink);
    }
}
