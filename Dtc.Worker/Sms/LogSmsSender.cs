namespace Dtc.Worker.Sms;

/// <summary>Development stand-in (<c>Sms:Provider=Log</c>): the text goes to the log, the number masked.</summary>
public sealed partial class LogSmsSender(ILogger<LogSmsSender> logger) : ISmsSender
{
    public Task<string> SendAsync(string to, string body, CancellationToken ct)
    {
        LogSms(to.Length > 4 ? new string('*', to.Length - 4) + to[^4..] : to, body);
        return Task.FromResult("log-" + Guid.NewGuid().ToString("N"));
    }

    [LoggerMessage(LogLevel.Information, "SMS to {To}: {Body}")]
    partial void LogSms(string to, string body);
}
