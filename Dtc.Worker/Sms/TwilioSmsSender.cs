using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dtc.Worker.Notifications;
using Microsoft.Extensions.Options;

namespace Dtc.Worker.Sms;

/// <summary>
/// Twilio's Messages API: <c>POST {BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c> with the
/// form fields To, From and Body, basic auth with the account sid and auth token. 201 answers the
/// message resource; a 4xx other than 429 is a rejection (e.g. 21211, an invalid 'To' number).
/// </summary>
public sealed class TwilioSmsSender(HttpClient http, IOptions<TwilioOptions> options) : ISmsSender
{
    public async Task<string> SendAsync(string to, string body, CancellationToken ct)
    {
        var o = options.Value;
        var fromField = o.From.StartsWith("MG", StringComparison.Ordinal) ? "MessagingServiceSid" : "From";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"2010-04-01/Accounts/{Uri.EscapeDataString(o.AccountSid)}/Messages.json")
        {
            Content = new FormUrlEncodedContent([new("To", to), new(fromField, o.From), new("Body", body)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.AccountSid}:{o.AuthToken}")));

        HttpResponseMessage response;
        try { response = await http.SendAsync(request, ct); }
        catch (HttpRequestException ex) { throw DeliveryException.Transient($"SMS provider unreachable: {ex.Message}", ex); }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested) { throw DeliveryException.Transient("SMS provider timed out", ex); }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                var message = await response.Content.ReadFromJsonAsync<TwilioMessage>(ct);
                return message?.Sid ?? throw DeliveryException.Transient("SMS provider answered without a message sid");
            }
            var error = await ReadErrorAsync(response, ct);
            var text = $"SMS provider answered {(int)response.StatusCode}{(error?.Code is { } code ? $" (code {code})" : "")}: {error?.Message ?? response.ReasonPhrase}";
            var permanent = (int)response.StatusCode is >= 400 and < 500
                && response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout);
            throw new DeliveryException(text, permanent);
        }
    }

    static async Task<TwilioError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try { return await response.Content.ReadFromJsonAsync<TwilioError>(ct); }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException) { return null; }
    }

    sealed record TwilioMessage(string? Sid, string? Status);
    sealed record TwilioError(int? Code, string? Message);
}
