using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace Dtc.Worker.Fulfilment;

/// <summary>
/// The partner's HTTP API. Every request carries an Idempotency-Key (the order id, or the order id
/// and the operation), so that the resilience handler's retries and the bus's redeliveries find the
/// first answer instead of placing a second order.
/// </summary>
public sealed class HttpFulfilmentPartner(HttpClient http, IOptions<FulfilmentOptions> options) : IFulfilmentPartner
{
    public async Task<string> PlaceAsync(FulfilmentOrder order, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, "orders", order.OrderId.ToString());
        request.Content = JsonContent.Create(order);
        using var response = await http.SendAsync(request, ct);
        await ThrowIfRejectedAsync(response, "place", ct);
        var answer = await response.Content.ReadFromJsonAsync<PlaceAnswer>(ct);
        return answer?.Reference is { Length: > 0 } reference
            ? reference
            : throw new FulfilmentRejectedException("The partner accepted the order without a reference.");
    }

    public async Task<CancelOutcome> CancelAsync(Guid orderId, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, $"orders/{orderId}/cancel", $"{orderId}:cancel");
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return CancelOutcome.Unknown;
        if (response.StatusCode == HttpStatusCode.Conflict) return CancelOutcome.TooLate;
        await ThrowIfRejectedAsync(response, "cancel", ct);
        return CancelOutcome.Cancelled;
    }

    HttpRequestMessage Request(HttpMethod method, string path, string idempotencyKey)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (options.Value.ApiKey is { Length: > 0 } key) request.Headers.Add("X-Api-Key", key);
        return request;
    }

    static async Task ThrowIfRejectedAsync(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var detail = await response.Content.ReadAsStringAsync(ct);
        var message = $"Fulfilment {operation} answered {(int)response.StatusCode}: {(detail.Length > 500 ? detail[..500] : detail)}";
        if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout))
        {
            throw new FulfilmentRejectedException(message);
        }
        throw new HttpRequestException(message, null, response.StatusCode);
    }

    sealed record PlaceAnswer(string? Reference);
}
