using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dtc.Messaging;
using RabbitMQ.Client;

namespace Dtc.Bench;

/// <summary>
/// End-to-end latency at a steady rate: each message is a final result for a fresh kit. Two clocks stop:
/// committed (one watcher asks the database every 10 ms which of the kits' results are released; the
/// API reads the same rows, with no cache) for every message, and visible (a poller asks the API, as the
/// patient, every 20 ms until the result is in the list) for one message in ten. Polling the API for
/// every message would itself load the machine (several hundred requests a second, each audited) and
/// slow down what it measures.
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
        // Start from a quiet system: what an earlier run (the ingestion benchmark) left in the outbox is published first.
        await using (var quiet = Npgsql.NpgsqlDataSource.Create(BenchOptions.Database))
        {
            while (await IngestBench.CountAsync(quiet, "select count(*) from outbox where published_at is null") > 0) await Task.Delay(200);
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
        var total = rate * seconds;
        var sample = options.Int("api-sample", 10);
        var latencies = new List<double>(total / sample + 1);
        var committed = new double[total];
        var sentAt = new long[total];
        var pending = new Dictionary<Guid, int>();
        var polls = new List<Task>(total);
        using var publishing = new CancellationTokenSource();
        var watcher = WatchAsync(pending, sentAt, committed, publishing.Token);
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
            sentAt[i] = sent;
            lock (pending) pending[patient.FreshKitIds[slot]] = i;
            var properties = new BasicProperties
            {
                MessageId = Guid.NewGuid().ToString(), Type = "lis.result", ContentType = "x-application/hl7-v2+er7",
                DeliveryMode = DeliveryModes.Persistent, Headers = new Dictionary<string, object?>(),
            };
            await channel.BasicPublishAsync(Topology.Events, "lis.result", true, properties, body);
            if (i % sample == 0)
            {
                polls.Add(PollAsync(apis[i / sample % apis.Length], patient, patient.FreshKitIds[slot], sent, l => { lock (latencies) latencies.Add(l); }));
            }
        }
        await Task.WhenAll(polls);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60)) { lock (pending) if (pending.Count == 0) break; await Task.Delay(50); }
        await publishing.CancelAsync();
        await watcher;
        if (options.Get("dump", "") is { Length: > 0 } dump)
        {
            await File.WriteAllLinesAsync(dump, committed.Select((l, i) => $"{i}\t{l:F1}"));
        }
        Array.Sort(committed);
        latencies.Sort();
        // A message not seen within the minute after the last publish counts as infinitely late (JSON: Infinity) and is counted.
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "e2e", rate, messages = total, unseen = committed.Count(double.IsPositiveInfinity),
            api_unseen = latencies.Count(double.IsPositiveInfinity),
            p50_ms = Percentile(committed, 0.5), p99_ms = Percentile(committed, 0.99), max_ms = Math.Round(committed[^1], 1),
            api_sampled = latencies.Count, api_p50_ms = Percentile([.. latencies], 0.5), api_p99_ms = Percentile([.. latencies], 0.99),
            api_max_ms = Math.Round(latencies[^1], 1),
        }, new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        return 0;
    }

    static double Percentile(double[] sorted, double p) => Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))], 1);

    /// <summary>Every 10 ms: which of the published kits now have a released result. Unseen ones count as infinite.</summary>
    static async Task WatchAsync(Dictionary<Guid, int> pending, long[] sentAt, double[] committed, CancellationToken stop)
    {
        Array.Fill(committed, double.PositiveInfinity);
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(BenchOptions.Database);
        while (!stop.IsCancellationRequested)
        {
            Guid[] kits;
            lock (pending) kits = [.. pending.Keys];
            if (kits.Length > 0)
            {
                await using var command = dataSource.CreateCommand("select kit_id from lab_reports where kit_id = any($1) and released");
                command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = kits });
                await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
                var now = Stopwatch.GetTimestamp();
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    lock (pending)
                    {
                        if (!pending.Remove(reader.GetGuid(0), out var i)) continue;
                        committed[i] = Stopwatch.GetElapsedTime(sentAt[i], now).TotalMilliseconds;
                    }
                }
            }
            try { await Task.Delay(10, stop); } catch (OperationCanceledException) { }
        }
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
