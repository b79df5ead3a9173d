import { go } from "../router.js";
import { clearAll } from "../store.js";

/** "กลับหน้า Login": drop the half-done activation and start again (e.g. to change the e-mail). */
export function backToLogin() {
  clearAll();
  go("login");
}
