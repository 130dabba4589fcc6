using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Stream.Monitor.Configuration;

namespace Stream.Monitor.Api;

/// <summary>Requires the configured key in <c>X-Api-Key</c>; compared in constant time.</summary>
public sealed class ApiKeyFilter(IOptions<ApiOptions> options) : IEndpointFilter
{
    public const string Header = "X-Api-Key";
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var given = context.HttpContext.Request.Headers[Header].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _key))
            return ValueTask.FromResult<object?>(Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: $"missing or wrong {Header} header"));
        return next(context);
    }
}
