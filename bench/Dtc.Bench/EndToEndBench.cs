using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dtc.Messaging;
using RabbitMQ.Client;

namespace Dtc.Bench;

/// <summary>
/// End-to-end latency at a steady rate: each message is a final result for a fresh kit; a poller per
/// message asks the API (as its patient) every 20 ms until the result is in the list. Latency is
/// from the publish to the first answer that shows it.
/// </summary>
public static class EndToEndBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var rate = options.Int("rate", 200);
        var seconds = options.Int("seconds", 20);
        var kitOffset = options.Int("kit-offset", 300);
        var patients = await Seeder.LoadAsync(options.Get("seed", "bench/results/seed.json"));
        var apis = options.Get("apis").Split(',').Select(u => new HttpClient { BaseAddress = new Uri(u) }).ToArray();
        var factory = new ConnectionFactory { Uri = new Uri(BenchOptions.Broker) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        var total = rate * seconds;
        var latencies = new double[total];
        var polls = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            // A steady schedule: message i leaves at i / rate seconds.
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            var patient = patients[i % patients.Count];
            var slot = kitOffset + i / patients.Count;
            var body = Hl7Builder.Final(patient, patient.FreshKits[slot], DateTimeOffset.UtcNow, "E2E");
            var sent = Stopwatch.GetTimestamp();
            var properties = new BasicProperties
            {
                MessageId = Guid.NewGuid().ToString(), Type = "lis.result", ContentType = "x-application/hl7-v2+er7",
                DeliveryMode = DeliveryModes.Persistent, Headers = new Dictionary<string, object?>(),
            };
            await channel.BasicPublishAsync(Topology.Events, "lis.result", true, properties, body);
            var index = i;
            polls.Add(PollAsync(apis[i % apis.Length], patient, patient.FreshKitIds[slot], sent, l => latencies[index] = l));
        }
        await Task.WhenAll(polls);
        Array.Sort(latencies);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "e2e", rate, messages = total,
            p50_ms = Math.Round(latencies[total / 2], 1), p99_ms = Math.Round(latencies[(int)(total * 0.99)], 1),
            max_ms = Math.Round(latencies[^1], 1),
        }));
        return 0;
    }

    static async Task PollAsync(HttpClient api, Seeder.Patient patient, Guid kitId, long sent, Action<double> record)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/results?limit=5");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", patient.AccessToken);
            using var response = await api.SendAsync(request);
            if (response.IsSuccessStatusCode)
            {
                var page = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (page.GetProperty("items").EnumerateArray().Any(r => r.GetProperty("kitId").GetGuid() == kitId))
                {
                    record(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    return;
                }
            }
            await Task.Delay(20);
        }
        record(double.PositiveInfinity);
    }
}
