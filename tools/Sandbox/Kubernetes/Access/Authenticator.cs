namespace Mlops.Sandbox.Kubernetes.Access;

/// <summary>
/// Authentication as the API server does it for this cluster: no credentials act as the local admin (like an admin
/// kubeconfig), a bearer token must be a valid ServiceAccount token (else 401), and <c>Impersonate-User</c>,
/// <c>Impersonate-Group</c> and <c>Impersonate-Uid</c> are honoured when the caller may impersonate (else 403).
/// </summary>
public sealed class Authenticator(ServiceAccountTokens tokens, RbacAuthorizer authorizer)
{
    private const string ItemKey = "sandbox.kubernetes.identity";

    /// <summary>The identity of <paramref name="http"/>, worked out once per request.</summary>
    public RequestIdentity Identify(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var known) && known is RequestIdentity identity)
            return identity;
        identity = Resolve(http.Request.Headers);
        http.Items[ItemKey] = identity;
        return identity;
    }

    private RequestIdentity Resolve(IHeaderDictionary headers)
    {
        UserInfo caller;
        var authorization = headers.Authorization.ToString();
        if (authorization.Length == 0)
            caller = UserInfo.ClusterAdmin;
        else if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && tokens.Verify(authorization["Bearer ".Length..].Trim()) is { } user)
            caller = user;
        else
            return new RequestIdentity(null, null, KubernetesApiException.Unauthorized());

        var asUser = headers["Impersonate-User"].ToString();
        var asGroups = headers["Impersonate-Group"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
        var asUid = headers["Impersonate-Uid"].ToString();
        if (asUser.Length == 0)
        {
            return asGroups.Count > 0 || asUid.Length > 0
                ? new RequestIdentity(caller, null, KubernetesApiException.BadRequest("requested Impersonate-Group or Impersonate-Uid without impersonating a user"))
                : new RequestIdentity(caller, caller, null);
        }

        var account = UserInfo.SplitServiceAccount(asUser);
        var userCheck = account is { } sa
            ? RequestAttributes.ForResource("impersonate", "", "serviceaccounts", "", sa.Namespace, sa.Name)
            : RequestAttributes.ForResource("impersonate", "", "users", "", "", asUser);
        var checks = new List<RequestAttributes> { userCheck };
        checks.AddRange(asGroups.Select(g => RequestAttributes.ForResource("impersonate", "", "groups", "", "", g)));
        if (asUid.Length > 0)
            checks.Add(RequestAttributes.ForResource("impersonate", "authentication.k8s.io", "uids", "", "", asUid));
        foreach (var check in checks)
        {
            if (!authorizer.Authorize(caller, check).Allowed)
                return new RequestIdentity(caller, null, RbacAuthorizer.Forbidden(caller, check));
        }

        // A ServiceAccount impersonated without groups gets its fixed groups; everyone but anonymous is authenticated.
        var groups = asGroups.Count == 0 && account is { } impersonated ? UserInfo.ServiceAccountGroups(impersonated.Namespace).ToList() : asGroups;
        if (asUser != "system:anonymous" && !groups.Contains(UserInfo.Authenticated) && !groups.Contains("system:unauthenticated"))
            groups.Add(UserInfo.Authenticated);
        return new RequestIdentity(caller, new UserInfo(asUser, groups, asUid.Length > 0 ? asUid : null), null);
    }
}
