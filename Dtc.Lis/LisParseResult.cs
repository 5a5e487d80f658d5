using System.Diagnostics.CodeAnalysis;

namespace Dtc.Lis;

/// <summary>Either a <see cref="LabMessage"/> or a <see cref="LisParseError"/>; never both, never neither.</summary>
public sealed class LisParseResult
{
    private LisParseResult(LabMessage? message, LisParseError? error) => (Message, Error) = (message, error);

    public LabMessage? Message { get; }
    public LisParseError? Error { get; }

    [MemberNotNullWhen(true, nameof(Message))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Message is not null;

    public static LisParseResult Success(LabMessage message) => new(message, null);
    public static LisParseResult Failure(LisParseError error) => new(null, error);

    public static implicit operator LisParseResult(LabMessage message) => Success(message);
    public static implicit operator LisParseResult(LisParseError error) => Failure(error);

    public override string ToString() => IsSuccess ? $"ok {Message.SourceMessageId}" : Error.ToString();
}
