using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Filecheck.Dashboard.Tests.Architecture;

/// <summary>One reference from a type of one part to a type of another, as compiled.</summary>
public sealed record FeatureReference(string From, string To, string FromType, string ToType);

/// <summary>
/// Reads the compiled dashboard (System.Reflection.Metadata, nothing loaded or run) and lists every reference from a
/// type of one part to a type of another: base types and interfaces, fields, method and property signatures, the
/// types named by attributes, and every type, method and field the IL names (what a razor component renders included).
/// A part is the first namespace segment under <c>Filecheck.Dashboard</c> (the folder); nested and compiler-made types
/// count as their outermost type's.
/// </summary>
public static class FeatureReferences
{
    public static readonly string[] Parts = ["Access", "Data", "History", "Jobs", "Sandbox", "Sharing", "Shell", "Trends"];
    private const string Root = "Filecheck.Dashboard.";

    public static IReadOnlyList<FeatureReference> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var found = new HashSet<FeatureReference>();
        var provider = new Collector(reader);
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            var from = PartOf(reader, handle);
            if (from is null) continue;
            var fromName = FullName(reader, handle);
            provider.Seen.Clear();
            provider.Add(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations()) provider.Add(reader.GetInterfaceImplementation(i).Interface);
            foreach (var f in type.GetFields()) reader.GetFieldDefinition(f).DecodeSignature(provider, null);
            foreach (var p in type.GetProperties()) reader.GetPropertyDefinition(p).DecodeSignature(provider, null);
            Attributes(reader, provider, type.GetCustomAttributes());
            foreach (var m in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(m);
                method.DecodeSignature(provider, null);
                Attributes(reader, provider, method.GetCustomAttributes());
                if (method.RelativeVirtualAddress != 0) Il(reader, provider, pe.GetMethodBody(method.RelativeVirtualAddress));
            }
            foreach (var p in type.GetProperties()) Attributes(reader, provider, reader.GetPropertyDefinition(p).GetCustomAttributes());
            foreach (var (to, toName) in provider.Seen)
            {
                if (to != from) found.Add(new FeatureReference(from, to, fromName, toName));
            }
        }
        return [.. found.OrderBy(r => r.From, StringComparer.Ordinal).ThenBy(r => r.To, StringComparer.Ordinal)
            .ThenBy(r => r.FromType, StringComparer.Ordinal).ThenBy(r => r.ToType, StringComparer.Ordinal)];
    }

    /// <summary>The part a namespace belongs to, or null outside the parts (the root composes them; others are not ours).</summary>
    public static string? PartOfNamespace(string? ns)
    {
        if (ns is null || !ns.StartsWith(Root, StringComparison.Ordinal)) return null;
        var part = ns[Root.Length..].Split('.')[0];
        return Parts.Contains(part) ? part : null;
    }

    private static string? PartOf(MetadataReader reader, TypeDefinitionHandle handle) =>
        PartOfNamespace(reader.GetString(reader.GetTypeDefinition(Outermost(reader, handle)).Namespace));

    private static TypeDefinitionHandle Outermost(MetadataReader reader, TypeDefinitionHandle handle)
    {
        while (reader.GetTypeDefinition(handle).GetDeclaringType() is { IsNil: false } outer) handle = outer;
        return handle;
    }

    private static string FullName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var name = reader.GetString(type.Name);
        var outer = type.GetDeclaringType();
        return outer.IsNil ? reader.GetString(type.Namespace) + "." + name : FullName(reader, outer) + "+" + name;
    }

    private static void Attributes(MetadataReader reader, Collector provider, CustomAttributeHandleCollection attributes)
    {
        foreach (var a in attributes)
        {
            var attribute = reader.GetCustomAttribute(a);
            provider.AddMember(attribute.Constructor);
            try
            {
                var value = attribute.DecodeValue(provider);
                foreach (var arg in value.FixedArguments.Concat(value.NamedArguments.Select(n => new CustomAttributeTypedArgument<string?>(n.Type, n.Value))))
                {
                    if (arg.Value is string s && arg.Type == "System.Type") provider.AddSerialized(s);
                }
            }
            catch (BadImageFormatException)
            {
                // An attribute whose enum argument lives in another assembly cannot be decoded without it; it names no part.
            }
        }
    }

    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private static void Il(MetadataReader reader, Collector provider, MethodBodyBlock body)
    {
        if (!body.LocalSignature.IsNil)
        {
            var locals = reader.GetStandaloneSignature(body.LocalSignature);
            locals.DecodeLocalSignature(provider, null);
        }
        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE) code = unchecked((short)(0xFE00 | il.ReadByte()));
            switch (Operands[code])
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.ReadByte(); break;
                case OperandType.InlineVar: il.ReadInt16(); break;
                case OperandType.InlineI8 or OperandType.InlineR: il.ReadInt64(); break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineTok or OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineSig:
                    provider.AddToken(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                default: il.ReadInt32(); break; // InlineBrTarget, InlineI, InlineShortR, InlineString
            }
        }
    }

    /// <summary>Decodes signatures, collecting the parts of the dashboard's own types it meets.</summary>
    private sealed class Collector(MetadataReader reader) : ISignatureTypeProvider<string?, object?>, ICustomAttributeTypeProvider<string?>
    {
        public HashSet<(string Part, string Type)> Seen { get; } = [];

        public void Add(EntityHandle handle)
        {
            if (handle.IsNil) return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition: Def((TypeDefinitionHandle)handle); break;
                case HandleKind.TypeSpecification: reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null); break;
            }
        }

        public void AddMember(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.MethodDefinition:
                    var method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                    Def(method.GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    Add(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method) member.DecodeMethodSignature(this, null);
                    else member.DecodeFieldSignature(this, null);
                    break;
            }
        }

        public void AddToken(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition or HandleKind.TypeSpecification: Add(handle); break;
                case HandleKind.MethodDefinition or HandleKind.MemberReference: AddMember(handle); break;
                case HandleKind.FieldDefinition: Def(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()); break;
                case HandleKind.MethodSpecification:
                    var spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddMember(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
                case HandleKind.StandaloneSignature:
                    reader.GetStandaloneSignature((StandaloneSignatureHandle)handle).DecodeMethodSignature(this, null);
                    break;
            }
        }

        public void AddSerialized(string name)
        {
            var ns = name.Split(',')[0].Split('+')[0];
            var dot = ns.LastIndexOf('.');
            if (dot > 0 && PartOfNamespace(ns[..dot]) is { } part) Seen.Add((part, ns));
        }

        private string? Def(TypeDefinitionHandle handle)
        {
            var outer = Outermost(reader, handle);
            if (PartOf(reader, outer) is { } part) Seen.Add((part, FullName(reader, outer)));
            return null;
        }

        public string? GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle handle, byte rawTypeKind) => Def(handle);
        public string? GetTypeFromReference(MetadataReader r, TypeReferenceHandle handle, byte rawTypeKind) =>
            r.GetString(r.GetTypeReference(handle).Namespace) + "." + r.GetString(r.GetTypeReference(handle).Name);
        public string? GetTypeFromSpecification(MetadataReader r, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            r.GetTypeSpecification(handle).DecodeSignature(this, context);
        public string? GetSZArrayType(string? elementType) => null;
        public string? GetArrayType(string? elementType, ArrayShape shape) => null;
        public string? GetByReferenceType(string? elementType) => null;
        public string? GetPointerType(string? elementType) => null;
        public string? GetPinnedType(string? elementType) => null;
        public string? GetGenericInstantiation(string? genericType, ImmutableArray<string?> typeArguments) => null;
        public string? GetGenericMethodParameter(object? context, int index) => null;
        public string? GetGenericTypeParameter(object? context, int index) => null;
        public string? GetFunctionPointerType(MethodSignature<string?> signature) => null;
        public string? GetModifiedType(string? modifier, string? unmodifiedType, bool isRequired) => null;
        public string? GetPrimitiveType(PrimitiveTypeCode typeCode) => null;
        public string? GetSystemType() => "System.Type";
        public bool IsSystemType(string? type) => type == "System.Type";
        public string? GetTypeFromSerializedName(string name) => name;
        public PrimitiveTypeCode GetUnderlyingEnumType(string? type) => PrimitiveTypeCode.Int32;
    }
}
