using System.Buffers;
using System.Net;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Dtc.DevMailSink;

/// <summary>Section <c>MailSink</c>.</summary>
public sealed class MailSinkOptions
{
    /// <summary>Where the .eml files go (the AppHost passes the repo's .data/mail).</summary>
    public string Folder { get; set; } = Path.Combine(".data", "mail");
    public int SmtpPort { get; set; } = 2525;
}

/// <summary>Accepts every message on loopback and writes it, as received, to the folder.</summary>
public sealed partial class MailSink(Microsoft.Extensions.Options.IOptions<MailSinkOptions> options, ILogger<MailSink> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        Directory.CreateDirectory(o.Folder);
        var smtp = new SmtpServerOptionsBuilder().ServerName("dtc-mail-sink")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, o.SmtpPort))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new FolderStore(o.Folder, this));
        LogListening(o.SmtpPort, Path.GetFullPath(o.Folder));
        await new SmtpServer.SmtpServer(smtp, services).StartAsync(stoppingToken);
    }

    sealed class FolderStore(string folder, MailSink sink) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
        {
            var name = $"{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}-{Guid.NewGuid().ToString("N")[..6]}.eml";
            await File.WriteAllBytesAsync(Path.Combine(folder, name), buffer.ToArray(), ct);
            sink.LogSaved(name, string.Join(", ", transaction.To.Select(t => $"{t.User}@{t.Host}")));
            return SmtpResponse.Ok;
        }
    }

    [LoggerMessage(LogLevel.Information, "Mail sink: SMTP on 127.0.0.1:{Port}, emails written to {Folder}")]
    partial void LogListening(int port, string folder);

    [LoggerMessage(LogLevel.Information, "Mail sink: {File} for {To}")]
    partial void LogSaved(string file, string to);
}
