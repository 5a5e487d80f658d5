// Writes a Kubernetes base from an Aspire manifest the way `aspirate generate` (Aspirate 9.1) does,
// for the resource types Dtc publishes: project.v0 (a folder per project) and parameter.v0 (values).
// Aspirate is not on this machine's package mirror; scripts/k8s-generate.sh runs the real tool where
// it is installed and this file (`dotnet run deploy/tools/aspirate-generate.cs -- …`) elsewhere, with
// the same options. Dtc.Tests/Deploy checks it against Aspirate's own output for a reference manifest
// and checks that the committed deploy/k8s/base is what it writes for deploy/aspire-manifest.json.
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

try
{
    var options = AspirateOptions.Parse(args);
    var resources = JsonNode.Parse(File.ReadAllText(options.Manifest))?["resources"]?.AsObject()
        ?? throw new InvalidDataException($"{options.Manifest} has no 'resources' object.");
    var files = new AspirateBase(resources, options).Generate();
    AspirateBase.Write(options.OutputPath, files);
    Console.WriteLine($"Generated {files.Count} files for {files.Keys.Count(f => f.EndsWith("/deployment.yaml", StringComparison.Ordinal))} resources in {options.OutputPath}");
    return 0;
}
catch (Exception e) when (e is ArgumentException or InvalidDataException or NotSupportedException or FileNotFoundException)
{
    Console.Error.WriteLine($"aspirate-generate: {e.Message}");
    return 1;
}

sealed record AspirateOptions(
    string Manifest, string OutputPath, string Registry, string Tag, string ImagePullPolicy,
    bool Secrets, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>The options of `aspirate generate` that shape its output; the rest are accepted and ignored.</summary>
    public static AspirateOptions Parse(string[] args)
    {
        string? manifest = null, output = null, registry = null, tag = null, pullPolicy = "IfNotPresent";
        var secrets = true;
        var parameters = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "-m" or "--aspire-manifest": manifest = Next(); break;
                case "-o" or "--output-path": output = Next(); break;
                case "--container-registry": registry = Next(); break;
                case "--container-image-tag": tag = Next(); break;
                case "--image-pull-policy": pullPolicy = Next(); break;
                case "--disable-secrets": secrets = false; break;
                case "-pa" or "--parameter-resource-value":
                    var pair = Next();
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0) throw new ArgumentException($"-pa expects name=value, got '{pair}'.");
                    parameters[pair[..eq]] = pair[(eq + 1)..];
                    break;
                case "--include-dashboard":
                    if (Next() != "false") throw new NotSupportedException("Only --include-dashboard false is supported.");
                    break;
                case "--secret-password": Next(); break;
                case "generate" when i == 0: break;
                case "--non-interactive" or "--skip-build" or "--disable-state": break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }
        return new(
            manifest ?? throw new ArgumentException("-m <aspire-manifest.json> is required."),
            output ?? throw new ArgumentException("--output-path <folder> is required."),
            registry ?? throw new ArgumentException("--container-registry is required."),
            tag ?? throw new ArgumentException("--container-image-tag is required."),
            pullPolicy, secrets, parameters);
    }
}

sealed partial class AspirateBase(JsonObject resources, AspirateOptions options)
{
    const string ProjectUrls = "ASPNETCORE_URLS=http://+:8080;";

    /// <summary>Relative path (with '/') → content, in Aspirate's exact bytes.</summary>
    public SortedDictionary<string, string> Generate()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var folders = new List<string>();
        foreach (var (name, node) in resources)
        {
            var resource = node!.AsObject();
            var type = (string?)resource["type"];
            switch (type)
            {
                case "parameter.v0" or "value.v0":
                    continue;
                case "project.v0" or "project.v1":
                    folders.Add(name);
                    AddProject(files, name, resource);
                    break;
                default:
                    throw new NotSupportedException($"Resource '{name}' is a {type}; only projects and parameters are published here.");
            }
        }
        files["kustomization.yaml"] = Root(folders);
        return files;
    }

    public static void Write(string outputPath, IReadOnlyDictionary<string, string> files)
    {
        Directory.CreateDirectory(outputPath);
        var keep = files.Keys.Select(f => f.Split('/')[0]).ToHashSet(StringComparer.Ordinal);
        // A resource gone from the manifest loses its folder; git-ignored .secrets files of kept ones stay.
        foreach (var folder in Directory.GetDirectories(outputPath))
        {
            if (!keep.Contains(Path.GetFileName(folder))) Directory.Delete(folder, recursive: true);
        }
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(outputPath, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
    }

    void AddProject(SortedDictionary<string, string> files, string name, JsonObject resource)
    {
        var ports = (resource["bindings"]?.AsObject() ?? [])
            .Select(b => (Name: b.Key, Port: TargetPort(b.Value!.AsObject())))
            .ToList();
        var args = (resource["args"]?.AsArray() ?? []).Select(a => Resolve((string)a!)).ToList();
        var config = new List<string>();
        var secretKeys = new List<string>();
        foreach (var (key, value) in resource["env"]?.AsObject() ?? [])
        {
            if (options.Secrets && IsProtected(key)) secretKeys.Add(key);
            else config.Add($"{key}={Resolve((string)value!)}");
        }
        config.Add(ProjectUrls);
        var hasSecrets = secretKeys.Count > 0;

        files[$"{name}/deployment.yaml"] = Deployment(name, args, ports, hasSecrets);
        files[$"{name}/service.yaml"] = ports.Count == 0 ? "" : Service(name, ports);
        files[$"{name}/kustomization.yaml"] = Kustomization(name, config, hasSecrets);
    }

    /// <summary>Aspirate moves connection strings and well-known passwords into secrets (its protectors).</summary>
    static bool IsProtected(string key) =>
        key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
        || key is "POSTGRES_PASSWORD" or "MSSQL_SA_PASSWORD" or "RABBITMQ_DEFAULT_PASS" or "REDIS_PASSWORD" or "MYSQL_ROOT_PASSWORD";

    static int TargetPort(JsonObject binding) =>
        (int?)binding["targetPort"] ?? ((string?)binding["scheme"] == "https" ? 8443 : 8080);

    /// <summary>Manifest expressions ({r.bindings.http.targetPort}, {p.connectionString}, …) as Aspirate fills them in Kubernetes.</summary>
    string Resolve(string value) => Expression().Replace(value, m =>
    {
        var parts = m.Groups[1].Value.Split('.');
        var resource = resources[parts[0]]?.AsObject()
            ?? throw new InvalidDataException($"{m.Value} names no resource.");
        switch (parts[1..])
        {
            case ["bindings", var binding, var property]:
                var b = resource["bindings"]?[binding]?.AsObject()
                    ?? throw new InvalidDataException($"{m.Value}: no such binding.");
                var port = TargetPort(b);
                return property switch
                {
                    "targetPort" or "port" => port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "host" => parts[0],
                    "url" => $"{(string?)b["scheme"]}://{parts[0]}:{port}",
                    _ => throw new NotSupportedException($"{m.Value} is not supported."),
                };
            case ["connectionString"]:
                return Resolve((string?)resource["connectionString"] ?? throw new InvalidDataException($"{parts[0]} has no connection string."));
            case ["value"] or ["inputs", "value"] when (string?)resource["type"] == "parameter.v0":
                return options.Parameters.TryGetValue(parts[0], out var v) ? v
                    : throw new ArgumentException($"Parameter '{parts[0]}' needs a value: -pa {parts[0]}=…");
            default:
                throw new NotSupportedException($"{m.Value} is not supported.");
        }
    });

    [GeneratedRegex(@"\{([^{}]+)\}")]
    private static partial Regex Expression();

    string Deployment(string name, List<string> args, List<(string Name, int Port)> ports, bool hasSecrets)
    {
        var y = new StringBuilder();
        y.Append($"""
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {name}
              labels:
                app: {name}
            spec:
              minReadySeconds: 60
              replicas: 1
              selector:
                matchLabels:
                  app: {name}
              strategy:
                type: Recreate
              template:
                metadata:
                  labels:
                    app: {name}
                spec:
                  containers:
                  - name: {name}
                    image: {options.Registry}/{name}:{options.Tag}
                    imagePullPolicy: {options.ImagePullPolicy}

            """);
        if (args.Count > 0)
        {
            y.Append("        args:\n");
            foreach (var arg in args) y.Append($"        - {arg}\n");
        }
        if (ports.Count > 0)
        {
            y.Append("        ports:\n");
            foreach (var (port, number) in ports) y.Append($"        - name: {port}\n          containerPort: {number}\n");
        }
        y.Append($"        envFrom:\n        - configMapRef:\n            name: {name}-env\n");
        if (hasSecrets) y.Append($"        - secretRef:\n            name: {name}-secrets\n");
        y.Append("      terminationGracePeriodSeconds: 180");
        return y.ToString();
    }

    static string Service(string name, List<(string Name, int Port)> ports)
    {
        var y = new StringBuilder();
        y.Append($"""
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: {name}
            spec:
              type: ClusterIP
              selector:
                app: {name}
              ports:

            """);
        foreach (var (port, number) in ports) y.Append($"  - name: {port}\n    port: {number}\n    targetPort: {number}\n");
        return y.ToString();
    }

    static string Kustomization(string name, List<string> literals, bool hasSecrets)
    {
        var y = new StringBuilder();
        y.Append($"""
            resources:
            - deployment.yaml
            - service.yaml

            generatorOptions:
              disableNameSuffixHash: true

            configMapGenerator:
            - name: {name}-env
              literals:

            """);
        foreach (var literal in literals) y.Append($"    - {literal}\n");
        y.Append('\n');
        if (hasSecrets) y.Append($"secretGenerator:\n- name: {name}-secrets\n  envs:\n  - .{name}.secrets\n");
        return y.ToString();
    }

    static string Root(List<string> folders)
    {
        var y = new StringBuilder("resources:\n");
        foreach (var folder in folders) y.Append($"- {folder}\n");
        y.Append("\ngeneratorOptions:\n  disableNameSuffixHash: true\n\n\n");
        return y.ToString();
    }
}
