using Dtc.Data.Accounts;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Data.Orders;
using Dtc.Tests.Infrastructure;
using Dtc.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Dtc.Tests.Worker;

/// <summary>wrk-default in the test process, pointed at local stand-ins for SMTP, the SMS provider and the fulfilment partner.</summary>
public static class WorkerTestKit
{
    public const string AccountSid = "AC00000000000000000000000000000001";
    public const string AuthToken = "test-auth-token";
    public const string SmsFrom = "+15005550006";
    public const string MailFrom = "no-reply@dtc.test";

    public static Dictionary<string, string?> Settings(SmtpSink? smtp, RecordingHttpServer? sms, RecordingHttpServer? partner) => new()
    {
        ["Notifications:AppUrl"] = "https://app.dtc.test/",
        ["Email:Host"] = "127.0.0.1",
        ["Email:Port"] = (smtp?.Port ?? 9).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:Security"] = "None",
        ["Email:From"] = $"Dtc <{MailFrom}>",
        ["Email:TimeoutSeconds"] = "10",
        ["Sms:Provider"] = "Twilio",
        ["Sms:Twilio:BaseUrl"] = sms?.BaseUrl.AbsoluteUri ?? "http://127.0.0.1:9/",
        ["Sms:Twilio:AccountSid"] = AccountSid,
        ["Sms:Twilio:AuthToken"] = AuthToken,
        ["Sms:Twilio:From"] = SmsFrom,
        ["Fulfilment:BaseUrl"] = partner?.BaseUrl.AbsoluteUri ?? "http://127.0.0.1:9/",
        ["Fulfilment:Simulate"] = "false",
    };

    public static Task<ServiceHost> StartWorkerAsync(TestDatabase db, TestBroker broker, SmtpSink? smtp = null,
        RecordingHttpServer? sms = null, RecordingHttpServer? partner = null, TimeProvider? clock = null,
        Action<HostApplicationBuilder>? also = null) =>
        ServiceHost.StartAsync(db, broker, b =>
        {
            b.AddWorkerJobs();
            if (clock is not null) b.Services.Replace(ServiceDescriptor.Singleton(clock));
            also?.Invoke(b);
        }, settings: Settings(smtp, sms, partner));

    /// <summary>A Twilio-like answer: 201 with the message resource.</summary>
    public static (int, string) TwilioCreated(RecordedRequest _, int n) => (201, $$"""{"sid":"SM{{n:D32}}","status":"queued"}""");

    public static async Task<long> InboxCountAsync(TestDatabase db) =>
        await db.ScalarAsync<long>("select count(*) from inbox where consumer = 'wrk.default'");
}

/// <summary>Rows the tests start from, each with fresh ids.</summary>
public static class Seed
{
    public static async Task<Customer> CustomerAsync(TestDatabase database, Action<Customer>? configure = null)
    {
        var id = Guid.CreateVersion7();
        var customer = new Customer
        {
            Id = id,
            PatientNumber = "PAT-" + id.ToString("N")[^10..],
            Email = $"patient-{id:N}@example.test",
            EmailVerified = true,
            GivenName = "Philippa",
            FamilyName = "Quarrington",
            DateOfBirth = new DateOnly(1983, 7, 19),
            Phone = "+15551230000",
            TimeZone = "UTC",
            // No quiet hours unless a test sets them: the outcome must not depend on the hour the suite runs.
            Preferences = new NotificationPreferences { ResultsByEmail = true, ResultsBySms = true, QuietHoursStart = 0, QuietHoursEnd = 0 },
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        configure?.Invoke(customer);
        await using var db = database.CreateContext();
        db.Users.Add(new DtcUser { Id = id, UserName = customer.Email, Email = customer.Email });
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer;
    }

    public static async Task<Order> OrderAsync(TestDatabase database, Guid customerId, Action<Order>? configure = null)
    {
        var order = new Order
        {
            Id = Guid.CreateVersion7(),
            CustomerId = customerId,
            ShippingAddress = new Address { Line1 = "1 Test Street", City = "Springfield", PostalCode = "12345", Country = "US" },
            IdempotencyKey = Guid.NewGuid().ToString(),
            Total = 39m,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            Lines = [new OrderLine { ProductCode = "A1C", Quantity = 1, UnitPrice = 39m }],
        };
        configure?.Invoke(order);
        await using var db = database.CreateContext();
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return order;
    }

    static long barcodes = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);

    public static async Task<Kit> KitAsync(TestDatabase database, Guid orderId, Action<Kit> configure)
    {
        var kit = new Kit
        {
            Id = Guid.CreateVersion7(),
            Barcode = Interlocked.Increment(ref barcodes).ToString(System.Globalization.CultureInfo.InvariantCulture) + "0",
            OrderId = orderId,
            ProductCode = "A1C",
            ExpiresOn = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(90)),
            ShippedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        configure(kit);
        await using var db = database.CreateContext();
        db.Kits.Add(kit);
        await db.SaveChangesAsync();
        return kit;
    }

    public static async Task<T> QueryAsync<T>(TestDatabase database, Func<Dtc.Data.DtcDbContext, Task<T>> query)
    {
        await using var db = database.CreateContext();
        return await query(db);
    }
}
