using System.Linq.Expressions;
using System.Security.Claims;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Notifications;

public sealed record NotificationResponse(Guid Id, string Template, string Title, string Body, string? Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt)
{
    public static readonly Expression<Func<Notification, NotificationResponse>> Projection =
        n => new NotificationResponse(n.Id, n.Template, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt);
}

/// <summary>The in-app inbox. Email and SMS copies are sent by the worker and are not listed here.</summary>
public static class NotificationsApi
{
    public static RouteGroupBuilder MapNotificationsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/notifications").WithTags("Notifications");
        group.MapGet("/", ListAsync).WithName("ListNotifications").WithSummary("List my in-app notifications, newest first (unread=true for unread only).");
        group.MapPost("/{id:guid}/read", MarkReadAsync).WithName("MarkNotificationRead").WithSummary("Mark one notification as read.");
        group.MapPost("/read-all", MarkAllReadAsync).WithName("MarkAllNotificationsRead").WithSummary("Mark every notification as read.");
        return group;
    }

    static IQueryable<Notification> Inbox(DtcDbContext db, Guid me) =>
        db.Notifications.Where(n => n.CustomerId == me && n.Channel == NotificationChannel.InApp);

    static async Task<Results<Ok<Page<NotificationResponse>>, ValidationProblem>> ListAsync(
        ClaimsPrincipal user, DtcDbContext db, bool? unread, string? cursor, int? limit, CancellationToken ct)
    {
        var errors = Cursor.Check(cursor, limit, out var after, out var take);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var query = Inbox(db, user.PatientId()).AsNoTracking();
        if (unread == true) query = query.Where(n => n.ReadAt == null);
        if (after is { } c) query = query.Where(n => EF.Functions.LessThan(ValueTuple.Create(n.CreatedAt, n.Id), ValueTuple.Create(c.At, c.Id)));
        var rows = await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(take + 1)
            .Select(NotificationResponse.Projection).ToListAsync(ct);
        return TypedResults.Ok(Cursor.PageOf(rows, take, n => new Cursor(n.CreatedAt, n.Id)));
    }

    static async Task<Results<NoContent, NotFound>> MarkReadAsync(Guid id, ClaimsPrincipal user, DtcDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.Now();
        var marked = await Inbox(db, user.PatientId()).Where(n => n.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, n => n.ReadAt ?? now), ct);
        return marked == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    static async Task<NoContent> MarkAllReadAsync(ClaimsPrincipal user, DtcDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.Now();
        await Inbox(db, user.PatientId()).Where(n => n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        return TypedResults.NoContent();
    }
}
