namespace Dtc.Lis.Hl7;

/// <summary>
/// One field of a segment, split lazily. HL7 tells apart a field that is not valued (empty or past
/// the end of the segment: "no information") from one sent as <c>""</c> (explicit null: "delete").
/// </summary>
public sealed class Hl7Field
{
    private readonly Hl7Delimiters _d;
    private IReadOnlyList<Hl7Repetition>? _repetitions;

    internal Hl7Field(string raw, Hl7Delimiters d, bool isAbsent = false)
    {
        Raw = raw;
        _d = d;
        IsAbsent = isAbsent;
    }

    /// <summary>The field as sent, delimiters and escapes included.</summary>
    public string Raw { get; }

    /// <summary>The segment ends before this field.</summary>
    public bool IsAbsent { get; }

    public bool IsEmpty => Raw.Length == 0;
    public bool IsNull => Raw == Hl7Component.NullValue;
    public bool HasValue => !IsEmpty && !IsNull;

    public IReadOnlyList<Hl7Repetition> Repetitions => _repetitions ??= Split();

    public Hl7Repetition First => Repetitions.Count > 0 ? Repetitions[0] : Hl7Repetition.Empty;

    /// <summary>First component of the first repetition (its first subcomponent), unescaped.</summary>
    public string Value => First.Value;

    public Hl7Component Component(int n) => First.Component(n);

    public override string ToString() => Raw;

    private Hl7Repetition[] Split() =>
        IsEmpty ? [] : [.. Raw.Split(_d.Repetition).Select(r => new Hl7Repetition(r, _d))];
}

/// <summary>One repetition of a field: a list of components.</summary>
public sealed class Hl7Repetition
{
    private readonly Hl7Delimiters _d;
    private Hl7Component[]? _components;

    internal Hl7Repetition(string raw, Hl7Delimiters d) => (Raw, _d) = (raw, d);

    internal static Hl7Repetition Empty { get; } = new("", Hl7Delimiters.Default);

    public string Raw { get; }
    public IReadOnlyList<Hl7Component> Components => _components ??= [.. Raw.Split(_d.Component).Select(c => new Hl7Component(c, _d))];

    /// <summary>Component n (1-based, as HL7 numbers them); an empty one past the end.</summary>
    public Hl7Component Component(int n) => n >= 1 && n <= Components.Count ? Components[n - 1] : Hl7Component.Empty;

    public string Value => Component(1).Value;

    /// <summary>
    /// The whole repetition unescaped, component and subcomponent separators kept as characters.
    /// Free-text types (ST, TX, FT) have no components, so a stray separator is text, not structure.
    /// </summary>
    public string Text => Raw == Hl7Component.NullValue ? "" : Hl7Escape.Decode(Raw, _d);
}

/// <summary>One component: a list of subcomponents.</summary>
public sealed class Hl7Component
{
    internal const string NullValue = "\"\"";
    private readonly Hl7Delimiters _d;
    private string[]? _subcomponents;

    internal Hl7Component(string raw, Hl7Delimiters d) => (Raw, _d) = (raw, d);

    internal static Hl7Component Empty { get; } = new("", Hl7Delimiters.Default);

    public string Raw { get; }
    public IReadOnlyList<string> Subcomponents => _subcomponents ??= [.. Raw.Split(_d.Subcomponent).Select(Decode)];

    /// <summary>Subcomponent n (1-based), unescaped; "" past the end or when sent as explicit null.</summary>
    public string Subcomponent(int n) => n >= 1 && n <= Subcomponents.Count ? Subcomponents[n - 1] : "";

    public string Value => Subcomponent(1);

    /// <summary>The whole component unescaped, subcomponent separators kept as characters.</summary>
    public string Text => Decode(Raw);

    public override string ToString() => Raw;

    private string Decode(string s) => s == NullValue ? "" : Hl7Escape.Decode(s, _d);
}
