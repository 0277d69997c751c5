using System.Security.Claims;

namespace Filecheck.Dashboard.Access;

/// <summary>The app roles carried in the token's <c>roles</c> claim.</summary>
public static class Roles
{
    public const string Staff = "Filecheck.Staff";
    public const string Manager = "Filecheck.Manager";
    public const string CustomerSuccess = "Filecheck.CustomerSuccess";
    public const string Admin = "Filecheck.Admin";

    public static IReadOnlyList<string> All { get; } = [Staff, Manager, CustomerSuccess, Admin];

    public static string Describe(string role) => role switch
    {
        Staff => "Staff",
        Manager => "Manager",
        CustomerSuccess => "Customer success",
        Admin => "Admin",
        _ => role,
    };

    /// <summary>The user's roles in words ("Staff, Admin"), or "no role".</summary>
    public static string Summary(System.Security.Claims.ClaimsPrincipal user)
    {
        var roles = All.Where(user.IsInRole).Select(Describe).ToList();
        return roles.Count == 0 ? "no role" : string.Join(", ", roles);
    }
}

/// <summary>Authorization policies, named for what they allow.</summary>
public static class Policies
{
    public const string LookUpJobs = "LookUpJobs";
    public const string ViewTrends = "ViewTrends";
    public const string ShareProofs = "ShareProofs";
    public const string Administer = "Administer";
    /// <summary>Run a new check at Filecheck (billed to the account): staff and admins.</summary>
    public const string RunChecks = "RunChecks";

    /// <summary>The roles each policy admits; every higher role includes what staff may do.</summary>
    public static IReadOnlyDictionary<string, string[]> RolesFor { get; } = new Dictionary<string, string[]>
    {
        [LookUpJobs] = [Roles.Staff, Roles.Manager, Roles.CustomerSuccess, Roles.Admin],
        [ViewTrends] = [Roles.Manager, Roles.Admin],
        [ShareProofs] = [Roles.CustomerSuccess, Roles.Admin],
        [Administer] = [Roles.Admin],
        [RunChecks] = [Roles.Staff, Roles.Admin],
    };

    public static bool Allows(this ClaimsPrincipal user, string policy) =>
        RolesFor[policy].Any(user.IsInRole);
}
