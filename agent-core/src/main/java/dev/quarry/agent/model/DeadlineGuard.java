package dev.quarry.agent.model;

/**
 * Built-in: a call that would start after the run's deadline does not start. (The model stage itself waits
 * no longer than the deadline, and the retry layer never backs off past it.)
 */
public final class DeadlineGuard implements ModelInterceptor {

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        call.deadline().check("before a model call (" + call.purpose() + ")");
        return chain.proceed(call);
    }
}
