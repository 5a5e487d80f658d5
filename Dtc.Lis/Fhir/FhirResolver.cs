using Hl7.Fhir.Model;

namespace Dtc.Lis.Fhir;

/// <summary>Resolves references inside one message: Bundle entries by fullUrl or Type/id, contained ones by #id.</summary>
internal sealed class FhirResolver
{
    private readonly Dictionary<string, Resource> _entries = new(StringComparer.Ordinal);

    public FhirResolver(IEnumerable<(string? FullUrl, Resource Resource)> entries)
    {
        foreach (var (fullUrl, resource) in entries)
        {
            if (!string.IsNullOrEmpty(fullUrl))
                _entries.TryAdd(fullUrl, resource);
            if (!string.IsNullOrEmpty(resource.Id))
                _entries.TryAdd($"{resource.TypeName}/{resource.Id}", resource);
        }
    }

    public IEnumerable<Resource> All => _entries.Values.Distinct();

    public T? Resolve<T>(ResourceReference? reference, DomainResource container) where T : Resource
    {
        var target = reference?.Reference;
        if (string.IsNullOrEmpty(target))
            return null;
        if (target.StartsWith('#'))
            return container.Contained.FirstOrDefault(c => c.Id == target[1..]) as T;
        if (_entries.TryGetValue(target, out var found))
            return found as T;

        // An absolute URL (https://lab/fhir/Patient/1) still names Patient/1 in a bundle of relative ids.
        var parts = target.Split('/');
        return parts.Length >= 2 && _entries.TryGetValue($"{parts[^2]}/{parts[^1]}", out found) ? found as T : null;
    }
}
