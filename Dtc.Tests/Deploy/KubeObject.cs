using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Dtc.Tests.Deploy;

/// <summary>One rendered Kubernetes object, read by dotted paths ("spec.template.spec.containers.0.name").</summary>
public sealed class KubeObject(Dictionary<object, object> root)
{
    public string Kind => Text("kind");
    public string Name => Text("metadata.name");
    public string? Namespace => Find("metadata.namespace") as string;

    public override string ToString() => $"{Kind}/{Name}";

    public object? Find(string path) => Find(root, path);

    public string Text(string path) => Find(path) as string
        ?? throw new KeyNotFoundException($"{this}: no text at {path}");

    public int Number(string path) => int.Parse(Text(path), CultureInfo.InvariantCulture);

    public IReadOnlyList<object> List(string path) => Find(path) as List<object> ?? [];

    public IReadOnlyDictionary<object, object> Map(string path) => Find(path) as Dictionary<object, object> ?? [];

    /// <summary>The pod template of a Deployment, a Job or a CronJob.</summary>
    public KubeObject PodTemplate => new(Kind switch
    {
        "Deployment" or "Job" => (Dictionary<object, object>)Find("spec.template")!,
        "CronJob" => (Dictionary<object, object>)Find("spec.jobTemplate.spec.template")!,
        _ => throw new InvalidOperationException($"{this} has no pod template"),
    });

    public static object? Find(object? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node switch
            {
                Dictionary<object, object> map => map.GetValueOrDefault(part),
                List<object> list when int.TryParse(part, CultureInfo.InvariantCulture, out var i) && i < list.Count => list[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    /// <summary>Every document of a multi-document YAML stream (kubectl kustomize's output).</summary>
    public static List<KubeObject> ParseAll(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var objects = new List<KubeObject>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<object>(parser) is Dictionary<object, object> document) objects.Add(new(document));
        }
        return objects;
    }
}
