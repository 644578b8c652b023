//! Serving an axum router on a bound listener until told to stop: what the mock, the engine server and the
//! gateway share.

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Serves `router` on `listener` in a task; sending on (or dropping) the returned sender stops it gracefully.
pub fn serve_until_stopped(
    listener: TcpListener,
    router: axum::Router,
) -> (oneshot::Sender<()>, JoinHandle<std::io::Result<()>>) {
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    (shutdown, task)
}
