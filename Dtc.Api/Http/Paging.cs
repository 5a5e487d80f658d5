using System.Buffers.Binary;
using Microsoft.AspNetCore.WebUtilities;

namespace Dtc.Api.Http;

/// <summary>One page of a list, newest first; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next (null at the end).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Keyset paging over (time, id), newest first: a page costs one index range scan however deep the
/// client reads, and rows that arrive meanwhile neither repeat nor vanish from later pages.
/// </summary>
public readonly record struct Cursor(DateTimeOffset At, Guid Id)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes, At.UtcTicks);
        Id.TryWriteBytes(bytes[8..]);
        return WebEncoders.Base64UrlEncode(bytes);
    }

    public static bool TryDecode(string? text, out Cursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (text.Length != 32) return false;
        try
        {
            var bytes = WebEncoders.Base64UrlDecode(text);
            var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
            if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) return false;
            cursor = new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), new Guid(bytes.AsSpan(8)));
            return true;
        }
        catch (FormatException) { return false; }
    }

    /// <summary>Checks the paging query: a readable cursor and a limit of at least one (capped at <see cref="MaxLimit"/>).</summary>
    public static Dictionary<string, string[]> Check(string? cursor, int? limit, out Cursor? after, out int take)
    {
        var errors = new Dictionary<string, string[]>();
        if (!TryDecode(cursor, out after)) errors["cursor"] = ["The cursor is not one this API returned."];
        if (limit < 1) errors["limit"] = [$"The limit must be between 1 and {MaxLimit}."];
        take = Math.Min(limit ?? DefaultLimit, MaxLimit);
        return errors;
    }

    /// <summary>Trims the one extra row a query fetched to learn whether another page follows.</summary>
    public static Page<T> PageOf<T>(List<T> rows, int take, Func<T, Cursor> key) =>
        rows.Count > take
            ? new Page<T>(rows[..take], key(rows[take - 1]).Encode())
            : new Page<T>(rows, null);
}
