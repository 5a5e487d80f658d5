using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dtc.Tests.Worker;

public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, IReadOnlyDictionary<string, string> Form);

/// <summary>
/// A local HTTP listener (Kestrel on a free loopback port) standing in for a partner's API: it records
/// every request and answers what the test says (given the request and its 1-based number).
/// </summary>
public sealed class RecordingHttpServer : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentQueue<RecordedRequest> _requests;

    public Uri BaseUrl { get; }
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    RecordingHttpServer(WebApplication app, ConcurrentQueue<RecordedRequest> requests, Uri baseUrl) =>
        (_app, _requests, BaseUrl) = (app, requests, baseUrl);

    public static async Task<RecordingHttpServer> StartAsync(Func<RecordedRequest, int, (int Status, string Json)> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var requests = new ConcurrentQueue<RecordedRequest>();
        var count = 0;
        app.Run(async context =>
        {
            var request = context.Request;
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            var form = new Dictionary<string, string>();
            if (request.HasFormContentType)
            {
                var parsed = System.Web.HttpUtility.ParseQueryString(body);
                foreach (var key in parsed.AllKeys.OfType<string>()) form[key] = parsed[key]!;
            }
            var recorded = new RecordedRequest(request.Method, request.Path + request.QueryString,
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, form);
            requests.Enqueue(recorded);
            var (status, json) = answer(recorded, Interlocked.Increment(ref count));
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RecordingHttpServer(app, requests, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
