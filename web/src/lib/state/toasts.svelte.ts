export type ToastKind = 'error' | 'success' | 'info'

export interface Toast {
  id: number
  kind: ToastKind
  message: string
}

/** Short messages in the corner: the server's error message, a confirmation after saving. */
class Toasts {
  items = $state<Toast[]>([])
  #next = 1

  show(kind: ToastKind, message: string, timeoutMs = kind === 'error' ? 8000 : 4000): void {
    const id = this.#next++
    this.items.push({ id, kind, message })
    setTimeout(() => this.dismiss(id), timeoutMs)
  }

  dismiss(id: number): void {
    this.items = this.items.filter((toast) => toast.id !== id)
  }
}

export const toasts = new Toasts()
