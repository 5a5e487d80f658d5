using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Dtc.Tests.Worker;

/// <summary>A real SMTP server (SmtpServer) on a free loopback port, keeping what it receives.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly SmtpServer.SmtpServer _server;
    readonly Task _running;

    public int Port { get; }
    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    SmtpSink(int port, Func<string, bool> acceptRecipient)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build();
        var provider = new ServiceProvider();
        provider.Add(new Store(Messages));
        provider.Add(new Filter(acceptRecipient));
        _server = new SmtpServer.SmtpServer(options, provider);
        _running = _server.StartAsync(_stop.Token);
    }

    /// <param name="acceptRecipient">false for an address the server refuses (550).</param>
    public static SmtpSink Start(Func<string, bool>? acceptRecipient = null) => new(FreePort(), acceptRecipient ?? (_ => true));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _running.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { }
        _stop.Dispose();
    }

    sealed class Store(ConcurrentQueue<MimeMessage> messages) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            messages.Enqueue(await MimeMessage.LoadAsync(stream, ct));
            return SmtpResponse.Ok;
        }
    }

    sealed class Filter(Func<string, bool> accept) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken ct) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken ct) =>
            Task.FromResult(accept($"{to.User}@{to.Host}"));
    }
}
