using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Shell;

/// <summary>The one way a part registers a settings section: bound, validated at start, the error naming the key.</summary>
public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> (none: every setting keeps its default, as in a
    /// component test) and checks it with <typeparamref name="TValidator"/> when the host starts.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfigurationSection? section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return Bound<TOptions>(services, section);
    }

    /// <summary>The same with a validator that needs what only the caller knows (the environment, the sign-in mode).</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfigurationSection? section, IValidateOptions<TOptions> validator)
        where TOptions : class
    {
        services.AddSingleton(validator);
        return Bound<TOptions>(services, section);
    }

    private static OptionsBuilder<TOptions> Bound<TOptions>(IServiceCollection services, IConfigurationSection? section) where TOptions : class
    {
        var options = services.AddOptions<TOptions>().ValidateOnStart();
        if (section is not null) options.Bind(section);
        return options;
    }
}
