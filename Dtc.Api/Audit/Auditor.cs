using System.Diagnostics;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Audit;

namespace Dtc.Api.Audit;

/// <summary>
/// Writes the audit event of a read or change of PHI (DESIGN.md §2): a change's into the request's DbContext,
/// so that it commits in the same transaction as the change; a read's through the <see cref="AuditLog"/>,
/// committed before the data leaves the server.
/// </summary>
public sealed class Auditor(DtcDbContext db, AuditLog log, IHttpContextAccessor http, TimeProvider clock)
{
    /// <summary>Adds the event; the caller's SaveChanges writes it with the change it records.</summary>
    public void Record(string action, Guid customerId, string resourceType, object? resourceId = null) =>
        db.AuditEvents.Add(Event(action, customerId, resourceType, resourceId));

    /// <summary>The event for this request.</summary>
    AuditEvent Event(string action, Guid customerId, string resourceType, object? resourceId = null)
    {
        var context = http.HttpContext;
        return new AuditEvent
        {
            OccurredAt = clock.Now(),
            ActorId = context?.User.PatientIdOrNull(),
            Action = action,
            CustomerId = customerId,
            ResourceType = resourceType,
            ResourceId = resourceId?.ToString(),
            ClientAddress = context?.Connection.RemoteIpAddress?.ToString(),
            TraceId = Activity.Current?.TraceId.ToHexString(),
        };
    }

    /// <summary>
    /// Runs <paramref name="read"/>, then writes its event before the data leaves: if the event cannot be
    /// written the caller gets an error, never the data. A read that finds nothing (null) records nothing.
    /// </summary>
    public async Task<T?> ReadAsync<T>(string action, Guid customerId, string resourceType, object? resourceId,
        Func<CancellationToken, Task<T?>> read, CancellationToken ct)
    {
        var result = await read(ct);
        if (result is null) return result;
        await log.WriteAsync(Event(action, customerId, resourceType, resourceId));
        return result;
    }

    /// <summary>
    /// Writes the event of a read that is always recorded (a list, empty or not) while <paramref name="read"/>
    /// runs, and returns the data only once both are done: the event is still committed before the data
    /// leaves, and the read does not wait for the commit to start.
    /// </summary>
    public async Task<T> ReadAlwaysAsync<T>(string action, Guid customerId, string resourceType,
        Func<CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var written = log.WriteAsync(Event(action, customerId, resourceType));
        var result = read(ct);
        await Task.WhenAll(written, result);
        return await result;
    }
}

/// <summary>The actions and resource types audit events carry.</summary>
public static class AuditActions
{
    public const string ProfileRead = "profile.read";
    public const string ProfileUpdate = "profile.update";
    public const string PreferencesRead = "preferences.read";
    public const string PreferencesUpdate = "preferences.update";
    public const string ClosureRequest = "account.closure-request";
    public const string ResultList = "result.list";
    public const string ResultRead = "result.read";
    public const string ResultExport = "result.export";
    public const string ResultViewed = "result.viewed";
    public const string KitRegistrationCreate = "kit-registration.create";

    public const string Customer = "customer";
    public const string LabReport = "lab-report";
    public const string KitRegistration = "kit-registration";
}
