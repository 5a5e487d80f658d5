using System.Security.Cryptography;
using Dtc.Api.Kits;
using Dtc.Data;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Data.Notifications;
using Dtc.Data.Orders;
using Dtc.Data.Results;
using Dtc.Tests.Infrastructure;

namespace Dtc.Tests.Api;

/// <summary>Rows written straight to the database, as the consumers and the LIS ingestion would have.</summary>
public static class Seed
{
    public static string NewBarcode()
    {
        var payload = string.Concat(Enumerable.Range(0, 10).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
        return payload + KitBarcode.CheckDigit(payload);
    }

    public static async Task SaveAsync(this TestDatabase database, params object[] entities)
    {
        await using var db = database.CreateContext();
        db.AddRange(entities);
        await db.SaveChangesAsync();
    }

    public static Order Order(Guid customerId, string status = OrderStatus.Placed) => new()
    {
        Id = Guid.CreateVersion7(),
        CustomerId = customerId,
        Status = status,
        IdempotencyKey = Guid.NewGuid().ToString(),
        ShippingAddress = new Address { Line1 = "1 Main St", City = "Springfield", PostalCode = "12345", Country = "US" },
        Lines = [new OrderLine { ProductCode = "A1C", Quantity = 1, UnitPrice = 39m }],
        Total = 39m,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    public static Kit Kit(Guid? customerId, Guid? orderId = null, string status = KitStatus.Registered) => new()
    {
        Id = Guid.CreateVersion7(),
        Barcode = NewBarcode(),
        OrderId = orderId,
        ProductCode = "A1C",
        CustomerId = customerId,
        Status = status,
        ExpiresOn = DateOnly.FromDateTime(DateTime.UtcNow.AddMonths(6)),
        ShippedAt = DateTimeOffset.UtcNow.AddDays(-3),
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    public static KitRegistration Registration(Guid customerId, string barcode) => new()
    {
        Id = Guid.CreateVersion7(),
        CustomerId = customerId,
        Barcode = barcode,
        CollectedAt = DateTimeOffset.UtcNow.AddHours(-1),
        ConsentToTesting = true,
        RequestedAt = DateTimeOffset.UtcNow,
    };

    public static Notification Notification(Guid customerId, string title = "Your result is ready") => new()
    {
        Id = Guid.CreateVersion7(),
        CustomerId = customerId,
        Channel = NotificationChannel.InApp,
        Template = "result-ready",
        Title = title,
        DedupeKey = Guid.NewGuid().ToString(),
        Status = DeliveryStatus.Sent,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>A released A1C report of one version with one value (5.4 %, range 4.0–5.6, normal).</summary>
    public static LabReport Report(Guid customerId, Guid kitId, DateTimeOffset? issuedAt = null, string status = ReportStatus.Final, bool released = true)
    {
        var issued = issuedAt ?? DateTimeOffset.UtcNow.AddHours(-1);
        var report = new LabReport
        {
            Id = Guid.CreateVersion7(),
            KitId = kitId,
            CustomerId = customerId,
            Accession = "ACC" + RandomNumberGenerator.GetInt32(1_000_000, 9_999_999),
            PanelCode = "4548-4",
            PanelDisplay = "Hemoglobin A1c",
            Status = status,
            IssuedAt = issued,
            CollectedAt = issued.AddDays(-2),
            ReceivedAt = issued.AddMinutes(1),
            Lab = new PerformingLab { Name = "Dtc Reference Lab", Address = "2 Lab Way, Springfield", Director = "Dr. Kim Lee" },
            Released = released,
            UpdatedAt = issued,
        };
        report.AddVersion(status, issued, Numeric(1, "4548-4", "Hemoglobin A1c", 5.4m, "%", 4.0m, 5.6m, "N"));
        return report;
    }

    public static ReportVersion AddVersion(this LabReport report, string status, DateTimeOffset issuedAt, params Observation[] observations)
    {
        foreach (var earlier in report.Versions.Where(v => v.SupersededAt is null)) earlier.SupersededAt = issuedAt;
        var version = new ReportVersion
        {
            Id = Guid.CreateVersion7(),
            ReportId = report.Id,
            Number = report.Versions.Count + 1,
            Status = status,
            IssuedAt = issuedAt,
            ReceivedAt = issuedAt,
            SourceMessageId = Guid.NewGuid().ToString(),
            SourceFormat = "hl7v2",
            Observations = observations.ToList(),
        };
        report.Versions.Add(version);
        report.CurrentVersion = version.Number;
        report.Status = status;
        report.IssuedAt = issuedAt;
        return version;
    }

    public static Observation Numeric(int sequence, string code, string display, decimal value, string unit, decimal? low, decimal? high, string? flag,
        string status = ReportStatus.Final) => new()
    {
        Id = Guid.CreateVersion7(),
        Sequence = sequence,
        Code = code,
        Display = display,
        ValueType = "NM",
        NumericValue = value,
        Unit = unit,
        ReferenceLow = low,
        ReferenceHigh = high,
        ReferenceRange = low is not null && high is not null ? $"{low}-{high}" : null,
        Flag = flag,
        Status = status,
    };
}
