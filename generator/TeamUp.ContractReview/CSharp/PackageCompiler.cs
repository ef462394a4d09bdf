using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TeamUp.ContractReview.CSharp;

/// <summary>
/// Compiles one generated client together with the library's hand-written sources into a
/// TeamUp.Generated.dll, the way the library build does, against the assemblies this tool
/// runs with (it references the library's runtime packages for that reason).
/// </summary>
internal static class PackageCompiler
{
    // What ImplicitUsings gives the library project.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
        ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList());

    // The source generators the library build runs ([LoggerMessage], [GeneratedRegex], ...):
    // the hand-written sources use them, and without them a partial method has no body.
    private static readonly Lazy<ISourceGenerator[]> Generators = new(() =>
    {
        var baked = typeof(PackageCompiler).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SourceGenerators")?.Value ?? "";
        var loader = new AnalyzerAssemblyLoader();
        return baked.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(File.Exists)
            .SelectMany(dll => new Microsoft.CodeAnalysis.Diagnostics.AnalyzerFileReference(dll, loader).GetGenerators(LanguageNames.CSharp))
            .ToArray();
    });

    // Each generator walks the whole 7,000-line client; those known to act only on an attribute
    // run only when the sources mention it. Unknown ones always run.
    private static readonly Dictionary<string, string?> Triggers = new()
    {
        ["System.Text.RegularExpressions.Generator"] = "GeneratedRegex",
        ["System.Text.Json.SourceGeneration"] = "JsonSerializable",
        ["Microsoft.Interop.LibraryImportGenerator"] = "LibraryImport",
        ["Microsoft.Interop.ComInterfaceGenerator"] = "GeneratedComInterface",
        ["Microsoft.Interop.JavaScript.JSImportGenerator"] = "JSImport",
        ["Microsoft.Interop.SourceGeneration"] = null,
        ["Microsoft.Gen.Logging"] = "LoggerMessage",
        ["Microsoft.Extensions.Logging.Generators"] = "LoggerMessage",
        ["Microsoft.Gen.Metrics"] = "Metrics",
        ["Microsoft.Extensions.Options.SourceGeneration"] = "OptionsValidator",
        // Opt-in through an MSBuild property; it only intercepts Bind calls, which changes no API.
        ["Microsoft.Extensions.Configuration.Binder.SourceGeneration"] = null,
    };

    private static ISourceGenerator[] GeneratorsUsedBy(IReadOnlyList<string> handWritten)
    {
        var text = string.Concat(handWritten.Select(File.ReadAllText));
        return Generators.Value.Where(g => !Triggers.TryGetValue(GeneratorAssembly(g), out var trigger)
                                           || (trigger is not null && text.Contains(trigger, StringComparison.Ordinal)))
            .ToArray();
    }

    private static string GeneratorAssembly(ISourceGenerator generator) =>
        generator.GetGeneratorType().Assembly.GetName().Name ?? "";

    private sealed class AnalyzerAssemblyLoader : Microsoft.CodeAnalysis.IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath) { }
        public System.Reflection.Assembly LoadFromPath(string fullPath) =>
            System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
    }

    public static IReadOnlyList<string> HandWrittenSources(ProjectLayout layout)
    {
        if (!Directory.Exists(layout.LibraryDirectory))
            throw new CSharpUnavailableException($"{layout.LibraryDirectory} not found");
        var skipped = new[] { "Generated", "obj", "bin" }.Select(d => Path.Combine(layout.LibraryDirectory, d) + Path.DirectorySeparatorChar).ToList();
        return Directory.EnumerateFiles(layout.LibraryDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(file => !skipped.Any(s => file.StartsWith(s, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Compiles declarations (every signature, so the public API is exact) and writes the
    /// metadata a public API listing reads. Method bodies are checked later, and only when
    /// needed (<see cref="CompiledPackage.ThrowIfHandWrittenBodiesFail"/>): binding them is most of the cost.
    /// </summary>
    public static CompiledPackage Compile(string generatedCode, IReadOnlyList<string> handWritten, string libraryDirectory, string outputPath)
    {
        var parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest)
            .WithPreprocessorSymbols("NET", "NETCOREAPP", "NET10_0", "NET10_0_OR_GREATER", "NET9_0_OR_GREATER", "NET8_0_OR_GREATER", "NET6_0_OR_GREATER", "NETSTANDARD2_0_OR_GREATER");
        var generated = CSharpSyntaxTree.ParseText(generatedCode, parse, "TeamUpClients.g.cs");
        var trees = handWritten.Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), parse, file))
            .Append(generated)
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, parse, "ImplicitUsings.g.cs"));
        Compilation compilation = CSharpCompilation.Create("TeamUp.Generated", trees, References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var generators = GeneratorsUsedBy(handWritten);
        if (generators.Length > 0)
            CSharpGeneratorDriver.Create(generators).WithUpdatedParseOptions(parse)
                .RunGeneratorsAndUpdateCompilation(compilation, out compilation, out _);

        var package = new CompiledPackage(compilation, generated, libraryDirectory);
        package.ThrowIfErrors(compilation.GetDeclarationDiagnostics());
        using var output = File.Create(outputPath);
        var result = compilation.Emit(output, options: new Microsoft.CodeAnalysis.Emit.EmitOptions(metadataOnly: true, includePrivateMembers: true));
        package.ThrowIfErrors(result.Diagnostics);
        return package;
    }
}

/// <summary>A compiled (declarations only) package, able to check the hand-written method bodies on demand.</summary>
internal sealed class CompiledPackage(Compilation compilation, SyntaxTree generated, string libraryDirectory)
{
    /// <summary>
    /// Errors in method bodies people wrote (Money arithmetic on a `decimal` that became a
    /// string, say). The generated bodies are NSwag's templates, which the library build compiles.
    /// </summary>
    public void ThrowIfHandWrittenBodiesFail() =>
        ThrowIfErrors(compilation.SyntaxTrees.Where(t => t != generated)
            .SelectMany(t => compilation.GetSemanticModel(t).GetMethodBodyDiagnostics()));

    public void ThrowIfErrors(IEnumerable<Diagnostic> diagnostics)
    {
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Distinct().ToList();
        if (errors.Count > 0)
            throw new PackageDoesNotCompileException(errors
                .Select(d => d.ToString().Replace(libraryDirectory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal))
                .Take(10).ToList());
    }
}

/// <summary>The generated client and the hand-written sources no longer build together.</summary>
internal sealed class PackageDoesNotCompileException(IReadOnlyList<string> errors)
    : Exception($"the generated client does not compile: {string.Join(" | ", errors.Take(3))}")
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
