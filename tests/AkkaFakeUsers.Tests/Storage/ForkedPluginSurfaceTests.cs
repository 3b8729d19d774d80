using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using AkkaFakeUsers.Persistence.Coalescing;
using AkkaFakeUsers.Tests.Design;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Storage;

/// <summary>
/// AkkaFakeUsers.Persistence.Coalescing is a fork of Akka.Persistence.Sql internals. Its README is the one list of what
/// it uses of the plugin, and these tests hold that list to the code and to the plugin: the plugin and linq2db are the
/// versions it was written against (an upgrade fails here first, pointing at the README); the plugin's types and
/// members its compiled code refers to (read from its IL, so a new use cannot slip in unlisted) are exactly the listed
/// ones; each listed member still exists in the loaded plugin with that signature; and the row type and column names
/// the row writer copies one by one have exactly the members it knows (a new column would otherwise be dropped
/// silently).
/// </summary>
public partial class ForkedPluginSurfaceTests(ITestOutputHelper output)
{
    private const string Plugin = "Akka.Persistence.Sql";
    private static readonly Assembly PluginAssembly = typeof(Akka.Persistence.Sql.Journal.SqlWriteJournal).Assembly;

    private static string Readme => Path.Combine(NamespaceDependencyTests.RepoRoot(), "src", "AkkaFakeUsers.Persistence.Coalescing", "README.md");

    private static string Pointer(string what) =>
        $"{what}. AkkaFakeUsers.Persistence.Coalescing is a fork of Akka.Persistence.Sql internals: read {Readme} (what to check on an upgrade), check the fork against the plugin, then update the README's lists.";

    [Fact]
    public void The_plugin_and_linq2db_are_the_versions_the_fork_was_written_against()
    {
        var expected = Section("written-against");
        Assert.Contains(expected, l => l.StartsWith(Plugin + " ", StringComparison.Ordinal));
        foreach (var line in expected)
        {
            var (name, version) = (line.Split(' ')[0], line.Split(' ')[1]);
            var assembly = Assembly.Load(name);
            var actual = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0];
            output.WriteLine($"{name}: {actual} (assembly version {assembly.GetName().Version})");
            Assert.True(actual == version, Pointer($"{name} is {actual}, the fork was written against {version}"));
        }
    }

    [Fact]
    public void The_plugin_members_the_fork_uses_are_exactly_the_ones_its_readme_lists()
    {
        var used = PluginReferences(typeof(CoalescingSqlJournal).Assembly);
        var listed = Section("members").ToImmutableSortedSet(StringComparer.Ordinal);
        output.WriteLine(string.Join("\n", used));
        var unlisted = used.Except(listed);
        var unused = listed.Except(used);
        Assert.True(unlisted.IsEmpty && unused.IsEmpty,
            $"used but not listed in the README: [{string.Join("; ", unlisted)}]; listed but not used: [{string.Join("; ", unused)}]. " +
            "The README's list is the fork's whole use of the plugin: it has to name every type and member the code refers to. Used now:\n" + string.Join("\n", used));
    }

    [Fact]
    public void Every_listed_member_has_the_listed_signature_in_the_loaded_plugin()
    {
        var missing = Section("members").Where(line => !Resolves(line)).ToList();
        Assert.True(missing.Count == 0, Pointer("not in the loaded plugin with this signature: " + string.Join("; ", missing)));
    }

    [Fact]
    public void The_row_and_its_column_names_have_exactly_the_members_the_row_writer_knows()
    {
        var changed = new List<string>();
        foreach (var line in Section("row-shape"))
        {
            var type = PluginAssembly.GetType(line[..line.IndexOf(':')], throwOnError: true)!;
            var expected = line[(line.IndexOf(':') + 1)..].Split(',', StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList();
            var actual = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name)
                .Concat(type.GetFields(BindingFlags.Public | BindingFlags.Instance).Select(f => f.Name))
                .Order(StringComparer.Ordinal).ToList();
            if (!expected.SequenceEqual(actual))
                changed.Add($"{type.FullName} now has [{string.Join(", ", actual)}], the row writer knows [{string.Join(", ", expected)}]");
        }
        Assert.True(changed.Count == 0, Pointer(string.Join("; ", changed)));
    }

    [Fact]
    public void Enum_values_compiled_into_the_fork_are_the_plugins()
    {
        foreach (var line in Section("constants"))
        {
            var m = Regex.Match(line, @"^(.+)\.(\w+) = (-?\d+)$");
            Assert.True(m.Success, $"README constants line '{line}' is not 'Namespace.Enum.Member = value'");
            var type = PluginAssembly.GetType(m.Groups[1].Value, throwOnError: true)!;
            var actual = Convert.ToInt64(Enum.Parse(type, m.Groups[2].Value));
            Assert.True(actual == long.Parse(m.Groups[3].Value), Pointer($"{m.Groups[1].Value}.{m.Groups[2].Value} is {actual} in the loaded plugin, the fork compiled in {m.Groups[3].Value}"));
        }
    }

    [Fact]
    public void The_fork_knows_nothing_of_the_simulation()
    {
        var references = typeof(CoalescingSqlJournal).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains(Plugin, references);
        Assert.DoesNotContain(references, n => n.StartsWith("AkkaFakeUsers", StringComparison.Ordinal));
    }

    [Fact]
    public void The_surface_reader_finds_a_member_the_plugin_lacks_and_one_it_has()
    {
        Assert.True(Resolves("System.Int64 Akka.Persistence.Sql.Journal.Types.JournalRow::get_Timestamp()"));
        Assert.False(Resolves("System.Int32 Akka.Persistence.Sql.Journal.Types.JournalRow::get_Timestamp()"));
        Assert.False(Resolves("System.Void Akka.Persistence.Sql.Journal.Types.JournalRow::NoSuchMethod()"));
        Assert.False(Resolves("type Akka.Persistence.Sql.Journal.Types.NoSuchType"));
    }

    /// <summary>The lines of the README's fenced block after <c>&lt;!-- surface: NAME --&gt;</c>.</summary>
    private static List<string> Section(string name)
    {
        var lines = File.ReadAllLines(Readme);
        var start = Array.FindIndex(lines, l => l.Trim() == $"<!-- surface: {name} -->");
        Assert.True(start >= 0, $"{Readme} has no '<!-- surface: {name} -->' block");
        var section = lines.Skip(start + 1).SkipWhile(l => !l.StartsWith("```", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("```", StringComparison.Ordinal))
            .Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        Assert.True(section.Count > 0, $"{Readme}: the '<!-- surface: {name} -->' block is empty");
        return section;
    }

    /// <summary>Whether a README line (<c>type NAME</c>, <c>RET PARENT::NAME(PARAMS)</c> or <c>TYPE PARENT::FIELD</c>) names a type or member of the loaded plugin.</summary>
    private static bool Resolves(string line)
    {
        if (line.StartsWith("type ", StringComparison.Ordinal)) return PluginAssembly.GetType(line[5..].Replace('/', '+')) is not null;
        var colons = line.IndexOf("::", StringComparison.Ordinal);
        var parent = line[(line.LastIndexOf(' ', colons) + 1)..colons];
        var generic = parent.IndexOf('<');
        for (var type = PluginAssembly.GetType((generic < 0 ? parent : parent[..generic]).Replace('/', '+')); type is not null; type = type.BaseType)
        {
            var declared = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = declared.GetMethods(all).Cast<MethodBase>().Concat(declared.GetConstructors(all)).Select(m => Format(m, parent))
                .Concat(declared.GetFields(all).Select(f => $"{TypeName(f.FieldType)} {parent}::{f.Name}"));
            if (members.Contains(line)) return true;
        }
        return false;
    }

    private static string Format(MethodBase m, string parent)
    {
        var ret = m is MethodInfo mi ? TypeName(mi.ReturnType) : "System.Void";
        var arity = m.IsGenericMethodDefinition ? "``" + m.GetGenericArguments().Length : "";
        return $"{ret} {parent}::{m.Name}{arity}({string.Join(",", m.GetParameters().Select(p => TypeName(p.ParameterType)))})";
    }

    /// <summary>A type as <see cref="SignatureNames"/> writes it from metadata: generic parameters as !N (type) and !!N (method), nested types after '/'.</summary>
    private static string TypeName(Type t)
    {
        if (t.IsGenericParameter) return (t.DeclaringMethod is null ? "!" : "!!") + t.GenericParameterPosition;
        if (t.IsByRef) return TypeName(t.GetElementType()!) + "&";
        if (t.IsPointer) return TypeName(t.GetElementType()!) + "*";
        if (t.IsSZArray) return TypeName(t.GetElementType()!) + "[]";
        if (t.IsArray) return TypeName(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t.IsGenericType && !t.IsGenericTypeDefinition)
            return TypeName(t.GetGenericTypeDefinition()) + "<" + string.Join(",", t.GetGenericArguments().Select(TypeName)) + ">";
        if (t.IsNested) return TypeName(t.DeclaringType!) + "/" + t.Name;
        return string.IsNullOrEmpty(t.Namespace) ? t.Name : t.Namespace + "." + t.Name;
    }

    /// <summary>Every type of the plugin's assembly the fork's IL refers to (<c>type NAME</c>) and every member (<c>RET PARENT::NAME(PARAMS)</c>, fields <c>TYPE PARENT::NAME</c>).</summary>
    private static ImmutableSortedSet<string> PluginReferences(Assembly fork)
    {
        using var pe = new PEReader(File.OpenRead(fork.Location));
        var md = pe.GetMetadataReader();
        var names = new SignatureNames();
        var used = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var h in md.TypeReferences)
            if (AssemblyOf(md, h) == Plugin)
                used.Add("type " + names.GetTypeFromReference(md, h, 0));
        foreach (var h in md.MemberReferences)
        {
            var member = md.GetMemberReference(h);
            var (parent, assembly) = member.Parent.Kind switch
            {
                HandleKind.TypeReference => (names.GetTypeFromReference(md, (TypeReferenceHandle)member.Parent, 0), AssemblyOf(md, (TypeReferenceHandle)member.Parent)),
                HandleKind.TypeSpecification => (md.GetTypeSpecification((TypeSpecificationHandle)member.Parent).DecodeSignature(names, null),
                    GenericDefinitionAssembly(md, (TypeSpecificationHandle)member.Parent)),
                _ => ("", null),
            };
            if (assembly != Plugin) continue;
            var name = md.GetString(member.Name);
            if (member.GetKind() == MemberReferenceKind.Field)
            {
                used.Add($"{member.DecodeFieldSignature(names, null)} {parent}::{name}");
                continue;
            }
            var sig = member.DecodeMethodSignature(names, null);
            var arity = sig.GenericParameterCount > 0 ? "``" + sig.GenericParameterCount : "";
            used.Add($"{sig.ReturnType} {parent}::{name}{arity}({string.Join(",", sig.ParameterTypes)})");
        }
        return used.ToImmutable();
    }

    private static string? AssemblyOf(MetadataReader md, TypeReferenceHandle h)
    {
        var scope = md.GetTypeReference(h).ResolutionScope;
        return scope.Kind switch
        {
            HandleKind.AssemblyReference => md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)scope).Name),
            HandleKind.TypeReference => AssemblyOf(md, (TypeReferenceHandle)scope),
            _ => null,
        };
    }

    /// <summary>The assembly of a generic instantiation's type (GENERICINST CLASS|VALUETYPE TypeDefOrRef …).</summary>
    private static string? GenericDefinitionAssembly(MetadataReader md, TypeSpecificationHandle h)
    {
        var blob = md.GetBlobReader(md.GetTypeSpecification(h).Signature);
        if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) return null;
        blob.ReadSignatureTypeCode();
        var definition = blob.ReadTypeHandle();
        return definition.Kind == HandleKind.TypeReference ? AssemblyOf(md, (TypeReferenceHandle)definition) : null;
    }

    /// <summary>Names of types in signatures, without assemblies (the reference assemblies' forwarders would differ from the runtime's).</summary>
    private sealed class SignatureNames : ISignatureTypeProvider<string, object?>
    {
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetFunctionPointerType(MethodSignature<string> signature) => "method*";
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";
        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetPinnedType(string elementType) => elementType;
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode;
        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            var t = reader.GetTypeDefinition(handle);
            var name = reader.GetString(t.Name);
            if (t.IsNested) return GetTypeFromDefinition(reader, t.GetDeclaringType(), 0) + "/" + name;
            var ns = reader.GetString(t.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var t = reader.GetTypeReference(handle);
            var name = reader.GetString(t.Name);
            if (t.ResolutionScope.Kind == HandleKind.TypeReference) return GetTypeFromReference(reader, (TypeReferenceHandle)t.ResolutionScope, 0) + "/" + name;
            var ns = reader.GetString(t.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }
}
