namespace Filecheck.Dashboard.Access;

/// <summary>The people a local demo can sign in as: one per role, and one with no role to show the refusal.</summary>
public static class DemoUsers
{
    public sealed record DemoUser(string Id, string Name, string Email, string[] Roles, string Purpose);

    public static IReadOnlyList<DemoUser> All { get; } =
    [
        new("staff", "Sam Staff", "sam.staff@example.com", [Access.Roles.Staff], "looks up jobs"),
        new("manager", "Mia Manager", "mia.manager@example.com", [Access.Roles.Manager], "reviews trends"),
        new("cs", "Cody Success", "cody.success@example.com", [Access.Roles.CustomerSuccess], "shares proofs"),
        new("admin", "Ada Admin", "ada.admin@example.com", [Access.Roles.Admin], "runs the sync, sees everything"),
        new("norole", "Nora NoRole", "nora@example.com", [], "has no role: sees the refusal"),
    ];

    public static DemoUser? Find(string? id) => All.FirstOrDefault(u => u.Id == id);
}
