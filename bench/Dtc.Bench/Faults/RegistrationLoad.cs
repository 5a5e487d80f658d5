using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dtc.Bench.Faults;

/// <summary>One kit registration a patient's app makes; every attempt sends the same body.</summary>
public sealed record RegistrationJob(int Index, Guid PatientId, string Token, string Barcode, DateTimeOffset CollectedAt, bool KitExists);

/// <summary>What became of one registration, attempt by attempt.</summary>
public sealed class RegistrationOutcome
{
    public Guid? RegistrationId { get; set; }
    public int Attempts { get; set; }
    /// <summary>No connection could be made (the replica was down): the request never reached the API.</summary>
    public int Refused { get; set; }
    /// <summary>The connection dropped after the request was sent: the client cannot know whether the API wrote it.</summary>
    public int InFlightLost { get; set; }
    public int ServerErrors { get; set; }
    public int? ClientError { get; set; }
    /// <summary>After an in-flight loss the API answered the retry with the registration the lost attempt had written.</summary>
    public bool RetryFoundEarlier { get; set; }
}

/// <summary>
/// Drives kit registrations concurrently, round-robin across the API replicas' own ports. A request that
/// fails on the connection or with a 5xx is retried on the next replica, the way the patient app does;
/// the API's rule for a repeated pending registration decides what the retry gets.
/// </summary>
public sealed class RegistrationLoad(IReadOnlyList<Uri> replicas, int concurrency) : IDisposable
{
    const int MaxAttempts = 8;
    readonly HttpClient[] _clients = [.. replicas.Select(u => new HttpClient(new SocketsHttpHandler()) { BaseAddress = u, Timeout = TimeSpan.FromSeconds(30) })];
    readonly int[] _inFlight = new int[replicas.Count];
    int _answered;

    /// <summary>Registrations that have their final answer so far.</summary>
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>Requests sent to <paramref name="replica"/> whose answer has not come back yet.</summary>
    public int InFlight(int replica) => Volatile.Read(ref _inFlight[replica]);

    public async Task<RegistrationOutcome[]> RunAsync(IReadOnlyList<RegistrationJob> jobs, CancellationToken ct)
    {
        var outcomes = new RegistrationOutcome[jobs.Count];
        var next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < jobs.Count)
            {
                outcomes[i] = await RegisterAsync(jobs[i], ct);
                Interlocked.Increment(ref _answered);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, ct)));
        return outcomes;
    }

    async Task<RegistrationOutcome> RegisterAsync(RegistrationJob job, CancellationToken ct)
    {
        var outcome = new RegistrationOutcome();
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (attempt > 0) await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), ct);
            var replica = (job.Index + attempt) % _clients.Length;
            outcome.Attempts++;
            var sentAt = DateTimeOffset.UtcNow;
            Interlocked.Increment(ref _inFlight[replica]);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/kits/registrations")
                {
                    Content = JsonContent.Create(new { barcode = job.Barcode, collectedAt = job.CollectedAt, consentToTesting = true, consentToResearch = false }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", job.Token);
                using var response = await _clients[replica].SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                    outcome.RegistrationId = body.GetProperty("id").GetGuid();
                    outcome.RetryFoundEarlier = outcome.InFlightLost > 0 && body.GetProperty("requestedAt").GetDateTimeOffset() < sentAt;
                    return outcome;
                }
                if ((int)response.StatusCode < 500)
                {
                    outcome.ClientError = (int)response.StatusCode; // a 4xx is final: the app shows it
                    return outcome;
                }
                outcome.ServerErrors++;
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                outcome.Refused++;
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                outcome.InFlightLost++;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight[replica]);
            }
        }
        return outcome;
    }

    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
    }
}
