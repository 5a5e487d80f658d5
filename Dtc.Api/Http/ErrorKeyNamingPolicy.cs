using System.Text.Json;

namespace Dtc.Api.Http;

/// <summary>
/// The keys of validation errors name request fields as the client wrote them: .NET's validation reports
/// "Lines[0].ProductCode", the client sent "lines[0].productCode". Each dotted segment that is a C#
/// identifier is camel-cased; other keys (a header such as "Idempotency-Key") stay as they are.
/// </summary>
internal sealed class ErrorKeyNamingPolicy : JsonNamingPolicy
{
    public override string ConvertName(string name)
    {
        if (name.Contains('-')) return name;
        var segments = name.Split('.');
        for (var i = 0; i < segments.Length; i++) segments[i] = CamelCase.ConvertName(segments[i]);
        return string.Join('.', segments);
    }
}
